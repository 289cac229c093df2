// Live updates: when the room changes, fetch this person's view of it and swap in only the
// messages that changed, so an open editor, a half-written reply or the focus survive.
"use strict";

const layout = document.querySelector("[data-live]");

const FOCUSABLE = "a[href], button, input, select, textarea, summary";

// A message that changed is replaced whole; someone working it by keyboard keeps their place
// on the same control of the new copy (another person's agreement must not drop their focus).
function replaceKeepingFocus(kept, node) {
  const focused = document.activeElement;
  if (!focused || !kept.contains(focused)) return;
  const before = [...kept.querySelectorAll(FOCUSABLE)].indexOf(focused);
  const after = [...node.querySelectorAll(FOCUSABLE)][before];
  if (after && after.tagName === focused.tagName && after.textContent === focused.textContent) {
    after.focus({ preventScroll: true });
  }
}

// Returns how many elements are new, for the screen-reader announcement.
function morph(current, fresh) {
  const old = new Map([...current.children].filter((el) => el.id).map((el) => [el.id, el]));
  let cursor = current.firstElementChild;
  let added = 0;
  for (const incoming of [...fresh.children]) {
    if (!old.has(incoming.id)) added += 1;
    const kept = old.get(incoming.id);
    const reuse = kept && kept.dataset.rev === incoming.dataset.rev;
    const node = reuse ? kept : document.importNode(incoming, true);
    if (node === cursor) cursor = cursor.nextElementSibling;
    else current.insertBefore(node, cursor);
    if (kept && !reuse) {
      if (kept === cursor) cursor = cursor.nextElementSibling;
      replaceKeepingFocus(kept, node);
      kept.remove();
    }
  }
  while (cursor) {
    const stale = cursor;
    cursor = cursor.nextElementSibling;
    stale.remove();
  }
  return added;
}

const channel = document.getElementById("channel");
const nearTheEnd = () => window.innerHeight + window.scrollY >= document.body.scrollHeight - 120;
const toTheEnd = () => channel && channel.lastElementChild?.scrollIntoView({ block: "end" });

const status = document.getElementById("live-status");
const announce = (words) => {
  if (status) status.textContent = words;
};

let fetching = null;
let nextShown = Boolean(document.querySelector("#composer-notes .next-question"));
let again = false;

async function refresh() {
  if (fetching) {
    again = true;
    return;
  }
  fetching = fetch(layout.dataset.parts, { credentials: "same-origin" });
  try {
    const response = await fetching;
    if (response.ok) {
      const parts = new DOMParser().parseFromString(await response.text(), "text/html");
      // Like a chat app: someone reading the latest messages keeps seeing the latest.
      const following = nearTheEnd();
      let added = 0;
      let next = false;
      for (const region of parts.querySelectorAll("[data-region]")) {
        const current = document.getElementById(region.id);
        if (!current) continue;
        const count = morph(current, region);
        if (region.matches("ol")) added += count;
        if (region.id === "composer-notes" && current.querySelector(".next-question")) next = true;
      }
      if (next && !nextShown) announce("A new question is open");
      else if (added) announce(added === 1 ? "1 new message" : `${added} new messages`);
      nextShown = next;
      if (following && !document.body.classList.contains("has-thread")) toTheEnd();
    }
  } finally {
    fetching = null;
    if (again) {
      again = false;
      refresh();
    }
  }
}

if (layout) {
  if (!location.hash && !document.body.classList.contains("has-thread")) toTheEnd();
  // On a phone the list of people starts folded away, leaving the screen to the channel.
  const side = document.getElementById("side");
  if (side && window.matchMedia("(max-width: 60rem)").matches) side.open = false;
  const stream = new EventSource(layout.dataset.live);
  stream.addEventListener("change", refresh);
}

for (const button of document.querySelectorAll("[data-copy]")) {
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = "Copied";
    } catch {
      button.textContent = "Select and copy the link";
    }
  });
}

// The setup form shows what the chosen model asks of the facilitator (a declaration, the
// chair it expects, confirmations). Choosing another model redraws that part in place, so
// nothing typed is lost; without the script the server shows the form again instead.
const setup = document.querySelector("form select#model")?.form;
if (setup) {
  const asks = () => document.getElementById("model-asks");
  setup.model.addEventListener("change", async () => {
    const chosen = setup.model.value;
    const response = await fetch(`${setup.action}?model=${encodeURIComponent(chosen)}`, {
      credentials: "same-origin",
    });
    if (!response.ok || setup.model.value !== chosen) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("model-asks");
    if (!fresh || !asks()) return;
    const declared = setup.no_involvement?.checked;
    asks().replaceWith(document.importNode(fresh, true));
    if (setup.no_involvement) setup.no_involvement.checked = Boolean(declared);
    setup.shown_for.value = chosen;
  });
}
