// Loom review screen: loads records without page reloads, sends verdicts and edits, keyboard shortcuts.
// Plain JavaScript; the server renders every piece of text (escaped), this script only moves fragments around.
(function () {
  "use strict";
  const csrf = document.body.dataset.csrf || "";
  const review = document.getElementById("review");

  function notice(text, kind) {
    const box = document.getElementById("notice");
    if (!box) return;
    box.textContent = text || "";
    box.className = "notice" + (kind ? " " + kind : "");
    box.hidden = !text;
  }

  async function call(method, url, body) {
    const response = await fetch(url, {
      method: method,
      headers: body ? { "Content-Type": "application/json", "X-CSRF-Token": csrf } : { "X-CSRF-Token": csrf },
      body: body ? JSON.stringify(body) : undefined,
      credentials: "same-origin",
    });
    if (response.status === 401) { window.location.href = "/login"; throw new Error("signed out"); }
    let data = {};
    try { data = await response.json(); } catch (e) { data = { error: "the server sent an unreadable answer (" + response.status + ")" }; }
    if (!response.ok) { const error = new Error(data.error || ("HTTP " + response.status)); error.status = response.status; throw error; }
    return data;
  }

  function current() { return document.getElementById("record"); }
  function editing() { const r = current(); return r && r.classList.contains("editing"); }

  async function loadNext() {
    const slot = document.getElementById("slot");
    try {
      const data = await call("GET", "/api/next?queue=" + encodeURIComponent(review.dataset.queue));
      slot.innerHTML = data.html;
      if (data.done) notice(data.message, "ok");
    } catch (error) {
      notice(error.message, "error");
    }
  }

  function identity() {
    const r = current();
    return { record: r.dataset.record, pass: Number(r.dataset.pass), version: Number(r.dataset.version), adjudication: r.dataset.adjudication === "true" };
  }

  async function verdict(kind, reason) {
    const id = identity();
    try {
      await call("POST", "/api/records/" + encodeURIComponent(id.record) + "/verdict",
        { verdict: kind, reason: reason || null, pass: id.pass, version: id.version, adjudication: id.adjudication });
      notice(kind === "accept" ? "Accepted." : "Rejected.", "ok");
      await loadNext();
    } catch (error) { notice(error.message, "error"); }
  }

  async function skip() {
    const id = identity();
    try {
      await call("POST", "/api/records/" + encodeURIComponent(id.record) + "/skip", {});
      notice("Skipped.", "ok");
      await loadNext();
    } catch (error) { notice(error.message, "error"); }
  }

  function setEditing(on) {
    const r = current();
    if (!r) return;
    r.classList.toggle("editing", on);
    r.querySelectorAll(".edit").forEach((field) => {
      field.hidden = !on;
      // Leaving edit mode without saving drops what was typed: a later save must not carry a cancelled change.
      if (!on) field.value = field.defaultValue;
    });
    r.querySelectorAll(".turn pre.text, .options .text").forEach((text) => { text.hidden = on; });
    document.getElementById("save").hidden = !on;
    document.getElementById("cancel").hidden = !on;
    document.getElementById("edit").hidden = on;
    if (on) { const first = r.querySelector("textarea.edit"); if (first) first.focus(); }
  }

  async function saveEdit() {
    const r = current();
    const id = identity();
    // Only what the reviewer changed is sent (null for a turn left alone): the browser rewrites text on its way
    // into a field (line ends, a leading line break, NUL), and sending every field would save those rewrites as
    // edits of turns nobody touched.
    const changed = (field) => field.value !== field.defaultValue;
    const body = {
      version: id.version,
      pass: id.pass,
      adjudication: id.adjudication,
      turns: Array.from(r.querySelectorAll("textarea.edit")).map((t) => (changed(t) ? t.value : null)),
    };
    const options = Array.from(r.querySelectorAll("input.edit[name=option]"));
    if (options.some(changed)) body.options = options.map((o) => o.value);
    const key = r.querySelector("input.edit[name=answerKey]");
    if (key && changed(key)) body.answerKey = key.value;
    try {
      const data = await call("POST", "/api/records/" + encodeURIComponent(id.record) + "/edit", body);
      document.getElementById("slot").innerHTML = data.html;
      notice(data.flags.length ? "Saved as version " + data.version + ". The validators flag it: see the flags above." : "Saved as version " + data.version + ".", data.flags.length ? "" : "ok");
    } catch (error) { notice(error.message, "error"); }
  }

  function showReject(on) {
    const panel = document.getElementById("reject-panel");
    if (!panel) return;
    panel.hidden = !on;
    if (on) document.getElementById("reason").focus();
  }

  function confirmReject() {
    const other = document.getElementById("reason-other").value.trim();
    const chosen = document.getElementById("reason").value;
    const reason = other || chosen;
    if (!reason) { notice("A rejection needs a reason: pick one or write one.", "error"); return; }
    verdict("reject", reason);
  }

  function zoom(image) {
    const overlay = document.createElement("div");
    overlay.className = "zoomed";
    const big = document.createElement("img");
    big.src = image.src;
    big.alt = image.alt;
    overlay.appendChild(big);
    overlay.addEventListener("click", () => overlay.remove());
    document.body.appendChild(overlay);
  }

  async function unskip() {
    try {
      const data = await call("POST", "/api/unskip?queue=" + encodeURIComponent(review.dataset.queue), {});
      notice(data.unskipped + " skipped record(s) given back to you.", "ok");
      await loadNext();
    } catch (error) { notice(error.message, "error"); }
  }

  document.addEventListener("click", (event) => {
    const target = event.target.closest("[data-action], img.thumb");
    // The only action of a finished queue, which shows no record.
    if (target && target.dataset.action === "unskip") { unskip(); return; }
    if (!target || !current()) return;
    if (target.matches("img.thumb")) { zoom(target); return; }
    // A verdict or a skip while editing would drop the typed correction without a word.
    if (editing() && ["accept", "reject", "confirm-reject", "skip"].includes(target.dataset.action)) {
      notice("Save or cancel your edit first (Ctrl+Enter saves, Esc cancels).", "error");
      return;
    }
    switch (target.dataset.action) {
      case "accept": verdict("accept"); break;
      case "edit": setEditing(true); break;
      case "save": saveEdit(); break;
      case "cancel": setEditing(false); showReject(false); break;
      case "reject": showReject(true); break;
      case "confirm-reject": confirmReject(); break;
      case "skip": skip(); break;
    }
  });

  document.addEventListener("keydown", (event) => {
    if (!review || !current()) return;
    const overlay = document.querySelector(".zoomed");
    if (event.key === "Escape") { if (overlay) overlay.remove(); setEditing(false); showReject(false); return; }
    if (editing()) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); saveEdit(); }
      return;
    }
    const panel = document.getElementById("reject-panel");
    const inField = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement && document.activeElement.tagName);
    if (panel && !panel.hidden) {
      if (event.key === "Enter") { event.preventDefault(); confirmReject(); return; }
      if (!inField || document.activeElement.id === "reason") {
        const number = Number(event.key);
        const select = document.getElementById("reason");
        if (number >= 1 && number <= 9 && number <= select.options.length - 1) { event.preventDefault(); select.selectedIndex = number - 1; }
      }
      return;
    }
    if (inField || event.ctrlKey || event.metaKey || event.altKey) return;
    switch (event.key) {
      case "a": event.preventDefault(); verdict("accept"); break;
      case "r": event.preventDefault(); showReject(true); break;
      case "e": event.preventDefault(); setEditing(true); break;
      case "s": event.preventDefault(); skip(); break;
      case "z": { const image = document.querySelector("img.thumb"); if (image) zoom(image); break; }
    }
  });

  if (review) loadNext();
})();
