// The lesson's keys, heard on the whole page without clicking anywhere first: PageDown and
// PageUp (what a presentation clicker sends) for the next and previous step, R to run the step
// and show its answer. Not while typing in an input; never with Ctrl, Alt or Meta.
const ACTIONS = { PageDown: "next", PageUp: "previous", r: "run", R: "run" };

export default function ({ setTriggerValue }) {
  const doc = document;                        // a components-v2 element lives in the page itself
  const heard = (event) => {
    const action = ACTIONS[event.key];
    const target = event.target;
    if (!action || event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    event.preventDefault();
    setTriggerValue("action", action);
  };
  if (window.__gsLessonKeys) doc.removeEventListener("keydown", window.__gsLessonKeys);
  window.__gsLessonKeys = heard;
  doc.addEventListener("keydown", heard);
  return () => {
    doc.removeEventListener("keydown", heard);
    if (window.__gsLessonKeys === heard) window.__gsLessonKeys = null;
  };
}
