/* The programme grid (screenings/grid.py): drag a block to another time or room, drag its
   lower edge to change its end, click an empty time to create a screening. Single-pointer and
   keyboard alternatives: the block's "Move" button picks it; then a click on a room places it
   there, or ↑↓ (5 minutes; Shift: its end), ←→ (room), Enter saves, Escape cancels.
   Every change is posted to the grid's own URL, which saves through services.save_screenings;
   a refusal shows the same message as the forms and the grid is drawn again from the server
   (the block goes back where it is stored; a colleague's moves show too). Plain JS, no library. */
(function () {
  "use strict";
  const container = document.getElementById("sg-container");
  if (!container) return;
  const statusBox = document.getElementById("sg-status");
  const alertBox = document.getElementById("sg-alert");
  const dialog = document.getElementById("sg-create");
  const MINUTE = 60000;
  let picked = null; // {block, lane, rows, endRows}
  let drag = null;

  function grid() { return document.getElementById("sg-grid"); }
  function step() { return Number(grid().dataset.step); }
  function rowHeight(lane) {
    const fill = lane.querySelector(".sg-fill");
    return fill.getBoundingClientRect().height / Number(grid().dataset.rows);
  }
  function csrf() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  const strings = JSON.parse((document.getElementById("sg-strings") || { textContent: "{}" }).textContent);
  function text(name) { return strings[name] || name; }
  function say(message) { alertBox.textContent = ""; statusBox.textContent = message; }
  function warn(message) { statusBox.textContent = ""; alertBox.textContent = message; }

  function setup() {
    const g = grid();
    if (!g) return;
    g.querySelectorAll("[data-colour]").forEach(function (block) {
      block.style.setProperty("--section", block.dataset.colour);
    });
    if (g.dataset.mayMove) {
      g.querySelectorAll(".sg-pick, .sg-resize").forEach(function (el) { el.hidden = false; });
    }
    const printButton = document.querySelector(".sg-print-button");
    if (printButton) printButton.hidden = false;
  }

  function reload(day) {
    const url = new URL(container.dataset.url, window.location.href);
    url.searchParams.set("day", day || grid().dataset.day);
    url.searchParams.set("partial", "1");
    return fetch(url, { credentials: "same-origin" }).then(function (response) { return response.text(); })
      .then(function (html) {
        container.innerHTML = html;
        picked = null;
        document.body.classList.remove("sg-picking");
        setup();
      });
  }

  function post(data) {
    const body = new URLSearchParams();
    Object.keys(data).forEach(function (key) {
      [].concat(data[key]).forEach(function (value) { body.append(key, value); });
    });
    return fetch(container.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
    }).then(function (response) {
      return response.json().catch(function () {
        return { ok: false, message: response.status === 403 ? "403" : String(response.status) };
      });
    });
  }

  function iso(date) { return date.toISOString().replace(/\.\d{3}Z$/, "Z"); }
  function instantOfRow(row) {
    return new Date(new Date(grid().dataset.first).getTime() + (row - 1) * step() * MINUTE);
  }
  function rowOf(lane, clientY, grab) {
    const top = lane.getBoundingClientRect().top;
    return Math.max(1, Math.round((clientY - top - (grab || 0)) / rowHeight(lane)) + 1);
  }

  /* Saving a move ---------------------------------------------------------------------- */

  function save(block, change) {
    const data = Object.assign({ action: "move", screening: block.dataset.screening, version: block.dataset.version }, change);
    return post(data).then(function (answer) {
      return reload().then(function () {
        if (answer.ok) say(answer.message); else warn(answer.message);
        const again = document.getElementById("screening-" + block.dataset.screening);
        if (again) {
          if (!answer.ok) again.classList.add("sg-refused");
          const button = again.querySelector(".sg-pick");
          if (button) button.focus();
        }
      });
    });
  }

  function moveTo(block, lane, row) {
    const start = instantOfRow(row);
    const change = { start: iso(start) };
    const venue = lane.closest(".sg-col").dataset.venue;
    const from = block.closest(".sg-col").dataset.venue;
    if (venue !== from) change.venue = venue;
    if (venue === from && iso(start) === iso(new Date(block.dataset.start))) { reload(); return; }
    save(block, change);
  }

  /* Dragging ----------------------------------------------------------------------------- */

  container.addEventListener("pointerdown", function (event) {
    const g = grid();
    if (!g || !g.dataset.mayMove || event.button !== 0) return;
    const block = event.target.closest(".sg-block");
    if (!block || event.target.closest(".sg-pick")) return;
    const resizing = Boolean(event.target.closest(".sg-resize"));
    const lane = block.parentElement;
    drag = {
      block: block,
      resizing: resizing,
      x: event.clientX,
      y: event.clientY,
      grab: event.clientY - block.getBoundingClientRect().top,
      height: block.getBoundingClientRect().height,
      moved: false,
      lane: lane,
    };
    block.setPointerCapture(event.pointerId);
  });

  container.addEventListener("pointermove", function (event) {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 5) return;
    drag.moved = true;
    const unit = rowHeight(drag.lane);
    const snapped = Math.round(dy / unit) * unit;
    if (drag.resizing) {
      drag.block.style.height = Math.max(unit, drag.height + snapped) + "px";
    } else {
      drag.block.classList.add("sg-dragging");
      drag.block.style.transform = "translate(" + dx + "px," + snapped + "px)";
    }
  });

  function endDrag(event) {
    if (!drag) return;
    const current = drag;
    drag = null;
    if (!current.moved) return;
    event.preventDefault();
    current.block.addEventListener("click", function stop(e) { e.preventDefault(); e.stopPropagation(); }, { once: true, capture: true });
    if (current.resizing) {
      const unit = rowHeight(current.lane);
      const endRow = rowOf(current.lane, current.block.getBoundingClientRect().bottom, 0);
      const end = instantOfRow(endRow);
      if (end <= new Date(current.block.dataset.start) || unit <= 0) { reload(); return; }
      save(current.block, { end: iso(end) });
      return;
    }
    current.block.style.visibility = "hidden";
    const under = document.elementFromPoint(event.clientX, event.clientY);
    current.block.style.visibility = "";
    const column = under && under.closest(".sg-col");
    const lane = column && column.querySelector(".sg-lane");
    if (!lane) { reload(); return; }
    moveTo(current.block, lane, rowOf(lane, event.clientY, current.grab));
  }
  container.addEventListener("pointerup", endDrag);
  container.addEventListener("pointercancel", function () { if (drag) { drag = null; reload(); } });

  /* Click to pick, click to place; the keyboard ------------------------------------------ */

  function pick(block) {
    if (picked) unpick();
    picked = { block: block, rows: 0, endRows: 0, column: block.closest(".sg-col") };
    block.classList.add("sg-picked");
    block.querySelector(".sg-pick").setAttribute("aria-pressed", "true");
    document.body.classList.add("sg-picking");
    say(text("picked"));
  }
  function unpick() {
    if (!picked) return;
    const block = picked.block;
    block.classList.remove("sg-picked");
    block.style.transform = "";
    block.style.height = "";
    const button = block.querySelector(".sg-pick");
    if (button) button.setAttribute("aria-pressed", "false");
    document.body.classList.remove("sg-picking");
    picked = null;
  }

  container.addEventListener("click", function (event) {
    const g = grid();
    if (!g) return;
    const button = event.target.closest(".sg-pick");
    if (button) {
      const block = button.closest(".sg-block");
      if (picked && picked.block === block) { unpick(); reload(); say(""); } else { pick(block); }
      return;
    }
    if (event.target.closest(".sg-block, a, button, .sg-head")) return;
    const lane = event.target.closest(".sg-col .sg-lane");
    if (!lane) return;
    const row = Math.floor((event.clientY - lane.getBoundingClientRect().top) / rowHeight(lane)) + 1;
    if (picked) {
      const block = picked.block;
      unpick();
      moveTo(block, lane, row);
    } else if (g.dataset.mayAdd && dialog) {
      openCreate(lane.closest(".sg-col"), instantOfRow(row));
    }
  });

  document.addEventListener("keydown", function (event) {
    if (!picked || (dialog && dialog.open)) return;
    const block = picked.block;
    const unit = rowHeight(block.parentElement);
    const columns = Array.from(grid().querySelectorAll(".sg-col"));
    let index = columns.indexOf(picked.column);
    if (event.key === "Escape") { event.preventDefault(); unpick(); reload(); say(text("cancelled")); return; }
    if (event.key === "Enter") {
      event.preventDefault();
      const start = new Date(new Date(block.dataset.start).getTime() + picked.rows * step() * MINUTE);
      const change = {};
      if (picked.rows) change.start = iso(start);
      if (picked.endRows) change.end = iso(new Date(new Date(block.dataset.end).getTime() + (picked.rows + picked.endRows) * step() * MINUTE));
      const venue = picked.column.dataset.venue;
      if (venue !== block.dataset.home) change.venue = venue;
      unpick();
      if (Object.keys(change).length) save(block, change); else reload();
      return;
    }
    if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      event.preventDefault();
      const delta = event.key === "ArrowUp" ? -1 : 1;
      if (event.shiftKey) picked.endRows += delta; else picked.rows += delta;
    } else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      index = Math.min(columns.length - 1, Math.max(0, index + (event.key === "ArrowLeft" ? -1 : 1)));
      if (!block.dataset.home) block.dataset.home = block.closest(".sg-col").dataset.venue;
      picked.column = columns[index];
      picked.column.querySelector(".sg-lane").appendChild(block);
      block.querySelector(".sg-pick").focus();
    } else {
      return;
    }
    block.style.transform = "translateY(" + picked.rows * unit + "px)";
    block.style.height = "";
    const start = new Date(new Date(block.dataset.start).getTime() + picked.rows * step() * MINUTE);
    const end = new Date(new Date(block.dataset.end).getTime() + (picked.rows + picked.endRows) * step() * MINUTE);
    if (picked.endRows) {
      block.style.height = (block.getBoundingClientRect().height + picked.endRows * unit) + "px";
    }
    say(text("where").replace("%(room)s", picked.column.dataset.room)
      .replace("%(start)s", localTime(start)).replace("%(end)s", localTime(end)));
  });

  function localTime(date) {
    return new Intl.DateTimeFormat(document.documentElement.lang || "en", {
      timeZone: grid().dataset.zone, hour: "numeric", minute: "2-digit", timeZoneName: "short",
    }).format(date);
  }
  function wallTime(date) {
    return new Intl.DateTimeFormat("en-GB", {
      timeZone: grid().dataset.zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).format(date);
  }

  /* Creating in an empty slot ------------------------------------------------------------ */

  let creating = null;
  function openCreate(column, start) {
    creating = { column: column, start: start, time: wallTime(start), titles: [] };
    dialog.querySelector(".sg-create-room").textContent = column.dataset.room;
    dialog.querySelector("#sg-create-time").value = creating.time;
    dialog.querySelector("#sg-create-choice").value = "";
    dialog.querySelector("#sg-create-end").value = "";
    dialog.querySelector("#sg-create-search").value = "";
    dialog.querySelector("#sg-create-results").innerHTML = "";
    dialog.querySelector("#sg-create-error").hidden = true;
    renderChosen();
    dialog.showModal();
    dialog.querySelector("#sg-create-search").focus();
  }
  function renderChosen() {
    const list = dialog.querySelector("#sg-create-chosen");
    list.innerHTML = "";
    creating.titles.forEach(function (title, index) {
      const item = document.createElement("li");
      item.textContent = title.text;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = text("remove");
      remove.addEventListener("click", function () { creating.titles.splice(index, 1); renderChosen(); });
      item.appendChild(remove);
      list.appendChild(item);
    });
  }
  if (dialog) {
    let timer = null;
    dialog.querySelector("#sg-create-search").addEventListener("input", function (event) {
      clearTimeout(timer);
      const term = event.target.value.trim();
      timer = setTimeout(function () {
        if (!term) return;
        const url = new URL(container.dataset.autocomplete, window.location.href);
        url.search = new URLSearchParams({ term: term, app_label: "screenings", model_name: "screening", field_name: "titles" });
        fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
          const results = dialog.querySelector("#sg-create-results");
          results.innerHTML = "";
          (data.results || []).slice(0, 12).forEach(function (result) {
            const item = document.createElement("li");
            const choose = document.createElement("button");
            choose.type = "button";
            choose.textContent = result.text;
            choose.addEventListener("click", function () {
              creating.titles.push(result);
              renderChosen();
              results.innerHTML = "";
              const search = dialog.querySelector("#sg-create-search");
              search.value = "";
              search.focus();
            });
            item.appendChild(choose);
            results.appendChild(item);
          });
        });
      }, 200);
    });
    dialog.querySelector("#sg-create-cancel").addEventListener("click", function () { dialog.close(); });
    dialog.querySelector("#sg-create-save").addEventListener("click", function () {
      const time = dialog.querySelector("#sg-create-time").value;
      const data = { action: "create", venue: creating.column.dataset.venue, titles: creating.titles.map(function (t) { return t.id; }) };
      if (time === creating.time && !dialog.querySelector("#sg-create-choice").value) {
        data.start = iso(creating.start);
      } else {
        data.start_local = localDay(creating.start) + "T" + time;
        data.start_choice = dialog.querySelector("#sg-create-choice").value;
      }
      const end = dialog.querySelector("#sg-create-end").value;
      if (end) {
        data.end_local = localDay(creating.start) + "T" + end;
        if (end <= time) data.end_local = localDay(new Date(creating.start.getTime() + 86400000)) + "T" + end;
      }
      post(data).then(function (answer) {
        if (!answer.ok) {
          const error = dialog.querySelector("#sg-create-error");
          error.textContent = answer.message;
          error.hidden = false;
          return;
        }
        dialog.close();
        reload(answer.day).then(function () { say(answer.message); });
      });
    });
  }
  function localDay(date) {
    return new Intl.DateTimeFormat("en-CA", { timeZone: grid().dataset.zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
  }

  /* Keyboard creation: a room's "Add" link opens the same dialog (the link is the no-JS form). */
  container.addEventListener("click", function (event) {
    const add = event.target.closest(".sg-add");
    if (!add || !dialog) return;
    event.preventDefault();
    const column = add.closest(".sg-col");
    openCreate(column, instantOfRow(1));
  }, true);

  document.addEventListener("click", function (event) {
    if (event.target.closest(".sg-print-button")) { event.preventDefault(); window.print(); }
  });

  setup();
})();
