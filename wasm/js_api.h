// window.vramcalc's calculator API for tests and embedders (the foundation publishes `ready` and
// `framesDrawn`): getState() -> the scenario as JSON (what `vramcalc estimate --scenario` reads),
// setState(json) -> applies it and returns {ok, problems}, getResult() -> estimate_to_json with
// "answers" (the `vramcalc estimate --json` schema), shareLink() -> the fragment; exportMarkdown(),
// exportCsv(), exportJson(), exportMatrix(format) -> text; saveOffline(); getMessages(); readLog(text) ->
// a pasted engine log reconciled (`vramcalc reconcile LOG --json`) or {ok: false, error}; for tests
// setView({tab, unit, theme, matrixFilter, colocate}) and getView().
#pragma once

#include "web/app_state.h"

namespace vramcalc::wasm {

// `wake` redraws the page after a change made from JS.
void install_js_api(web::AppState* state, void (*wake)());

}  // namespace vramcalc::wasm
