// The customer page: events arrive over a WebSocket, answers go out as JSON POSTs.
// User text is only ever written with textContent; the one exception is the technician's chat message,
// whose HTML the server renders from BBCode (every character escaped, only http(s) links).
"use strict";
(function () {
  const base = location.pathname.replace(/\/+$/, "");
  const $ = (id) => document.getElementById(id);
  const seen = new Set();
  let ended = false;
  let socket = null;

  function showError(text) {
    const box = $("error");
    box.textContent = text || "";
    box.hidden = !text;
  }

  async function post(path, body) {
    try {
      const response = await fetch(base + "/api/" + path, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!response.ok) {
        let message = "Could not send (" + response.status + ")";
        try { message = (await response.json()).error || message; } catch (e) { /* not JSON */ }
        showError(message);
        return false;
      }
      showError("");
      return true;
    } catch (e) {
      showError("Could not reach the technician.");
      return false;
    }
  }

  function addMessage(event) {
    const item = document.createElement("div");
    item.className = "msg from-" + event.from + " kind-" + String(event.kind).split(".")[0];
    item.dataset.seq = String(event.seq);
    item.dataset.kind = event.kind;
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = event.name;
    const text = document.createElement("span");
    text.className = "text";
    if (event.kind === "chat.sent" && typeof event.html === "string") text.innerHTML = event.html;
    else text.textContent = event.text;
    item.append(name, text);
    $("messages").append(item);
    item.scrollIntoView({ block: "end" });
  }

  function onEvent(event) {
    if (seen.has(event.seq)) return;
    seen.add(event.seq);
    addMessage(event);
    if (event.kind === "grant.requested") {
      $("request-text").textContent = event.text;
      $("request").hidden = false;
    } else if (event.kind === "grant.changed") {
      $("request").hidden = true;
    } else if (event.kind === "camera.requested") {
      $("camera-request").hidden = false;
    } else if (event.kind === "camera.opened") {
      $("camera-request").hidden = true;
    } else if (event.kind === "session.ended") {
      finish();
    }
  }

  const GRANT_WORDS = { none: "no access", view: "view-only", control: "view and control" };
  const STATUS_WORDS = { waiting: "Waiting", in_progress: "Connected", customer_absent: "Away", ended: "Ended" };

  function onState(state) {
    $("tech-name").textContent = state.technician;
    $("status").textContent = STATUS_WORDS[state.status] || state.status;
    $("access-level").textContent = GRANT_WORDS[state.grant] || state.grant;
    if (state.ended) finish();
  }

  function finish() {
    ended = true;
    $("ended").hidden = false;
    $("request").hidden = true;
    $("camera-request").hidden = true;
    $("composer").hidden = true;
    $("end-button").hidden = true;
    $("camera-button").hidden = true;
    document.body.classList.add("ended");
    $("status").textContent = "Ended";
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + base + "/ws");
    socket.addEventListener("open", () => { $("status").textContent = "Connected"; });
    socket.addEventListener("message", (message) => {
      let data;
      try { data = JSON.parse(message.data); } catch (e) { return; }
      if (data.type === "event") onEvent(data.event);
      else if (data.type === "state") onState(data.state);
    });
    socket.addEventListener("close", () => {
      if (!ended) {
        $("status").textContent = "Reconnecting…";
        setTimeout(connect, 1500);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("avatar").src = base + "/avatar";
    $("composer").addEventListener("submit", async (e) => {
      e.preventDefault();
      const text = $("text").value;
      if (!text.trim()) return;
      if (await post("say", { text: text })) $("text").value = "";
    });
    $("text").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey) {
        e.preventDefault();
        $("composer").requestSubmit();
      }
    });
    for (const id of ["allow-view", "allow-control", "deny"]) {
      $(id).addEventListener("click", (e) => post("grant", { level: e.currentTarget.dataset.level }));
    }
    for (const id of ["camera-button", "camera-start"]) {
      $(id).addEventListener("click", () => post("camera", { start: true }));
    }
    $("end-button").addEventListener("click", () => $("confirm-end").showModal());
    $("confirm-no").addEventListener("click", () => $("confirm-end").close());
    $("confirm-yes").addEventListener("click", async () => {
      $("confirm-end").close();
      if (await post("end", { confirm: true })) finish();
    });
    connect();
  });
})();
