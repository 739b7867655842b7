// rehabgraph's page: choose where it hurts, answer the screening questions one at a time, read
// the plan; browse the knowledge. Every word about the body or an exercise comes from the
// service (GET /body-map, POST /recommend, GET /knowledge...); nothing is fetched from elsewhere.
"use strict";

(() => {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const main = document.getElementById("main");
  const status = document.getElementById("status");
  const state = {
    step: "choose", // choose -> questions -> plan, all at #/
    map: null,
    chosen: new Map(), // zone id -> Set of sides ("right", "left"; "" for a zone on the midline)
    intensity: "",
    age: "",
    answers: {},
    order: [], // question ids in the order answered, for "previous question"
    last: null, // the latest Recommendation
    index: null, // the knowledge index, once fetched
  };

  // --- building the page ---------------------------------------------------------------------

  function build(ns, tag, attrs, children) {
    const el = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on") && typeof value === "function") {
        el.addEventListener(key.slice(2), value);
      } else if (key === "class") {
        el.setAttribute("class", value);
      } else {
        el.setAttribute(key, value === true ? "" : String(value));
      }
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }
  const h = (tag, attrs, ...children) => build(null, tag, attrs, children);
  const s = (tag, attrs, ...children) => build(SVG_NS, tag, attrs, children);

  function say(text) {
    status.textContent = "";
    window.setTimeout(() => { status.textContent = text; }, 50);
  }

  function show(title, nodes, focus = true) {
    main.replaceChildren(...nodes.flat(Infinity).filter((n) => n !== null && n !== undefined));
    document.title = `${title} · rehabgraph`;
    const heading = main.querySelector("h2");
    if (focus && heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }

  function problem(error) {
    return h("p", { class: "error", role: "alert" }, `Something went wrong: ${error.message}`);
  }

  const words = (key) => key.replace(/_/g, " ");
  const entryLink = (kind, id, text) =>
    h("a", { href: `#/knowledge/${encodeURIComponent(kind)}/${encodeURIComponent(id)}` }, text);

  function outLink(source) {
    const href = source.url || (source.doi ? `https://doi.org/${source.doi}` : null);
    return href ? h("a", { href, rel: "noopener noreferrer", class: "external" }, source.title)
      : h("cite", {}, source.title);
  }

  // --- the service ----------------------------------------------------------------------------

  async function call(url, options) {
    const response = await fetch(url, options);
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const more = (body.suggestions || body.problems || []).join("; ");
      throw new Error(`${body.detail || response.statusText}${more ? ` (${more})` : ""}`);
    }
    return body;
  }
  const post = (url, data) => call(url, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(data),
  });

  function picture(url, report, alt, caption) {
    // a picture of the plan: the service draws it from the report, as SVG; the figure holds
    // its place in the page while it is drawn
    const figure = h("figure", { class: "picture" }, h("p", {}, "Drawing the picture…"));
    (async () => {
      try {
        const response = await fetch(url, {
          method: "POST", headers: { "content-type": "application/json" },
          body: JSON.stringify(report),
        });
        if (!response.ok) throw new Error((await response.json().catch(() => ({}))).detail);
        const img = h("img", { src: URL.createObjectURL(await response.blob()), alt });
        figure.replaceChildren(img, h("figcaption", {}, caption));
      } catch (error) {
        figure.replaceChildren(h("p", {}, `No picture: ${error.message || "not available"}.`));
      }
    })();
    return figure;
  }

  // --- where it hurts -------------------------------------------------------------------------

  const label = (zone, side) => (side ? `${side} ${zone.name}` : zone.name);

  function toggle(zoneId, side) {
    const sides = state.chosen.get(zoneId) || new Set();
    if (sides.has(side)) sides.delete(side); else sides.add(side);
    if (sides.size) state.chosen.set(zoneId, sides); else state.chosen.delete(zoneId);
    sync();
  }

  function chosenWords() {
    const byId = new Map(state.map.zones.map((z) => [z.id, z]));
    return [...state.chosen].flatMap(([id, sides]) =>
      [...sides].map((side) => label(byId.get(id), side)));
  }

  function sync() {
    for (const el of main.querySelectorAll("[data-zone]")) {
      const on = Boolean(state.chosen.get(el.dataset.zone)?.has(el.dataset.side));
      if (el.type === "checkbox") el.checked = on;
      else el.setAttribute("aria-pressed", String(on));
    }
    const chosen = document.getElementById("chosen");
    if (chosen) {
      const names = chosenWords();
      chosen.textContent = names.length ? `You chose: ${names.join(", ")}.`
        : "Nothing chosen yet.";
    }
  }

  function bodyMap(map) {
    const [x0, x1, frameFoot, y1] = map.frame;
    const y0 = frameFoot - 0.35; // room for the side labels under the feet
    const Y = (y) => y1 - y; // the map's y runs up from the feet; the screen's runs down
    const outline = s("g", { class: "outline", "aria-hidden": "true" });
    for (const view of map.views) {
      const m = view.x;
      const rect = (x, y, w, ht, r) =>
        s("rect", { x, y: Y(y + ht), width: w, height: ht, rx: r });
      outline.append(
        s("circle", { cx: m, cy: Y(9.3), r: 0.45 }),
        rect(m - 0.15, 8.6, 0.3, 0.35, 0),
        rect(m - 0.75, 5.6, 1.5, 3.1, 0.3),
      );
      for (const sign of [-1, 1]) {
        outline.append(
          rect(m + sign * 0.42 - 0.3, 0.6, 0.6, 5.0, 0.25),
          rect(m + sign * 0.95 - 0.14, 5.5, 0.28, 3.1, 0.12),
          s("ellipse", { cx: m + sign * 0.95, cy: Y(5.15), rx: 0.15, ry: 0.3 }),
        );
      }
      // the person's sides, under their feet: from the front their right is on your left
      const right = view.name === "front" ? -1 : 1;
      outline.append(
        s("text", { x: m, y: Y(10.25), class: "view" }, view.name),
        s("text", { x: m + right * 0.42, y: Y(0.05), class: "side" }, "right"),
        s("text", { x: m - right * 0.42, y: Y(0.05), class: "side" }, "left"),
      );
    }
    // each side of each zone, the head first; where two overlap, the smaller is on top
    const spots = map.zones.flatMap((zone) => zone.spots.map((spot) => ({ zone, spot })));
    const views = map.views.map((v) => v.name);
    spots.sort((a, b) => views.indexOf(a.spot.view) - views.indexOf(b.spot.view)
      || b.spot.y - a.spot.y || b.spot.w * b.spot.h - a.spot.w * a.spot.h
      || a.spot.x - b.spot.x);
    const zones = s("g", { class: "zones" });
    for (const { zone, spot } of spots) {
      const side = spot.side || "";
      const name = label(zone, spot.side);
      const choose = () => {
        toggle(zone.id, side);
        say(`${name}: ${state.chosen.get(zone.id)?.has(side) ? "chosen" : "not chosen"}`);
      };
      zones.append(s("ellipse", {
        class: "zone", cx: spot.x, cy: Y(spot.y), rx: Math.max(spot.w / 2, 0.09),
        ry: Math.max(spot.h / 2, 0.09), role: "button", tabindex: 0, "aria-label": name,
        "aria-pressed": "false", "data-zone": zone.id, "data-side": side,
        onclick: choose,
        onkeydown: (event) => {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(); }
        },
      }, s("title", {}, name)));
    }
    return s("svg", {
      viewBox: `${x0} 0 ${x1 - x0} ${y1 - y0}`, class: "body-map", role: "group",
      "aria-labelledby": "map-title",
    }, outline, zones);
  }

  function zoneList(map) {
    const regions = new Map();
    for (const zone of map.zones) {
      if (!regions.has(zone.region)) regions.set(zone.region, []);
      regions.get(zone.region).push(zone);
    }
    const box = (zone, side, text) => h("label", { class: "pick" },
      h("input", {
        type: "checkbox", "data-zone": zone.id, "data-side": side,
        onchange: () => toggle(zone.id, side),
      }),
      " ", text);
    return [...regions].map(([region, zones]) => h("fieldset", { class: "region" },
      h("legend", {}, region),
      h("ul", {}, zones.map((zone) => h("li", { title: zone.aliases.join(", ") },
        zone.sided ? [
          h("span", { class: "zone-name" }, zone.name,
            zone.spots.length ? "" : h("span", { class: "hint" }, " (not on the map)")),
          box(zone, "right", ["right", h("span", { class: "visually-hidden" }, ` ${zone.name}`)]),
          box(zone, "left", ["left", h("span", { class: "visually-hidden" }, ` ${zone.name}`)]),
        ] : box(zone, "", [zone.name,
          zone.spots.length ? "" : h("span", { class: "hint" }, " (not on the map)")]))))));
  }

  async function showChoose(focus) {
    try {
      state.map = state.map || await call("body-map");
    } catch (error) {
      show("Where does it hurt?", [h("h2", {}, "Where does it hurt?"), problem(error)], focus);
      return;
    }
    const intensity = h("input", {
      id: "intensity", type: "number", min: 0, max: 10, step: 1, inputmode: "numeric",
      value: state.intensity,
    });
    const age = h("input", {
      id: "age", type: "number", min: 0, max: 130, step: 1, inputmode: "numeric",
      value: state.age,
    });
    const error = h("p", { id: "choose-error", class: "error", role: "alert", hidden: true });
    const next = async () => {
      state.intensity = intensity.value.trim();
      state.age = age.value.trim();
      if (!state.chosen.size) {
        error.textContent = "Choose at least one place on the map or in the list.";
        error.hidden = false;
        return;
      }
      state.answers = {};
      state.order = [];
      await ask();
    };
    show("Where does it hurt?", [
      h("h2", {}, "Where does it hurt?"),
      h("p", {}, "Choose every place that hurts, on the body map or in the list. ",
        "Then a few safety questions, one at a time, and the plan with its reasons."),
      h("div", { class: "choose" },
        h("section", { class: "map", "aria-labelledby": "map-title" },
          h("h3", { id: "map-title" }, "Body map, front and back"),
          h("p", { class: "hint" }, "From the front, the person's right is on your left; ",
            "from the back, on your right. Click a place, or move to it with Tab and press ",
            "Enter or Space: a chosen place turns dark red. ",
            h("a", { href: "#zone-list", class: "skip-map" },
              "Skip the map: choose from the list")),
          bodyMap(state.map)),
        h("section", { class: "list", id: "zone-list", "aria-labelledby": "list-title" },
          h("h3", { id: "list-title" }, "Or choose from the list"),
          zoneList(state.map))),
      h("p", { id: "chosen", class: "chosen" }),
      h("div", { class: "fields" },
        h("p", {}, h("label", { for: "intensity" },
          "How much does it hurt, from 0 (not at all) to 10 (the worst)? Optional."),
        intensity),
        h("p", {}, h("label", { for: "age" },
          "Your age in years. Optional: some questions depend on it."), age)),
      error,
      h("p", { class: "actions" },
        h("button", { type: "button", class: "primary", onclick: next },
          "Next: safety questions"),
        h("button", { type: "button", onclick: () => { state.chosen.clear(); sync(); } },
          "Clear the places")),
    ], focus);
    sync();
  }

  // --- the screening questions, one at a time -------------------------------------------------

  function report() {
    const sites = [];
    for (const [location, sides] of state.chosen) {
      const site = { location };
      if (sides.has("right") && sides.has("left")) site.side = "both";
      else if (sides.has("right")) site.side = "right";
      else if (sides.has("left")) site.side = "left";
      if (state.intensity !== "") site.intensity = Number(state.intensity);
      sites.push(site);
    }
    const out = { sites, answers: { ...state.answers } };
    if (state.age !== "") out.age = Number(state.age);
    return out;
  }

  async function ask() {
    say("Checking…");
    let rec;
    try {
      rec = await post("recommend", report());
    } catch (error) {
      main.append(problem(error));
      return;
    }
    state.last = rec;
    state.step = rec.status === "needs_screening" && rec.screening.length ? "questions" : "plan";
    render();
  }

  function showQuestion() {
    const rec = state.last;
    const question = rec.screening[0];
    const number = state.order.length + 1;
    const more = rec.screening.length - 1;
    const answer = (yes) => async () => {
      state.answers[question.id] = yes;
      state.order.push(question.id);
      await ask();
    };
    const back = async () => {
      delete state.answers[state.order.pop()];
      await ask();
    };
    const text = h("p", { id: "question-text", class: "question-text", tabindex: -1 },
      question.question);
    show("Safety questions", [
      h("h2", {}, "Safety questions before any exercise"),
      h("p", {}, "These check for signs that need a clinician rather than exercise. ",
        "Answer for the places you chose."),
      h("section", { class: "question", "data-question-id": question.id,
        "aria-labelledby": "question-number" },
      h("h3", { id: "question-number" }, `Question ${number}`),
      text,
      h("p", { class: "answers" },
        h("button", { type: "button", class: "primary", onclick: answer(true),
          "aria-describedby": "question-text" }, "Yes"),
        h("button", { type: "button", class: "primary", onclick: answer(false),
          "aria-describedby": "question-text" }, "No"))),
      h("p", { class: "hint" }, more ? `${more} more after this one` : "The last one for now",
        " (an answer can add a follow-up question)."),
      h("p", { class: "actions" },
        state.order.length ? h("button", { type: "button", onclick: back },
          "Back to the previous question") : null,
        h("button", { type: "button", onclick: () => { state.step = "choose"; render(); } },
          "Change the places")),
    ], false);
    text.focus();
  }

  // --- the plan -------------------------------------------------------------------------------

  const URGENCY = { emergency: "Emergency", urgent: "Urgent" };
  const HEADINGS = {
    exercise: "Your exercise plan",
    refer: "See a clinician first",
    no_match: "No exercise to suggest for these places",
    needs_screening: "The plan is held back",
  };

  function sourceList(ids, sources) {
    const known = ids.map((id) => sources.get(id)).filter(Boolean);
    return known.length ? h("p", { class: "sources" }, "Sources: ",
      known.map((src, i) => [i ? "; " : "", outLink(src)])) : null;
  }

  function chain(why) {
    return h("p", { class: "chain" }, h("span", { class: "label" }, "Chain of facts: "),
      why.path.map((id, i) => [
        i ? h("span", { "aria-hidden": "true" }, " → ") : "",
        i ? h("span", { class: "visually-hidden" }, ", then ") : "",
        entryLink(why.kinds[i], id, why.labels[i]), ` (${why.kinds[i]})`,
      ]));
  }

  function explanation(why, sources) {
    const basis = why.basis === "guideline"
      ? `Guideline ${why.guideline}${why.grade ? `, grade ${why.grade}` : ""}`
      : "Referral chain";
    return h("div", { class: "why" },
      h("p", {}, why.sentence),
      chain(why),
      h("p", { class: "meta" }, `${basis} · rule `, entryLink("rule", why.rule_id, why.rule_id),
        ` · evidence: ${why.evidence} (the weakest fact on the chain)`),
      sourceList(why.sources, sources));
  }

  function exercise(ex, index, sources) {
    const figure = h("figure", { class: "picture exercise-picture", hidden: true },
      h("img", {
        src: `pictures/exercise/${encodeURIComponent(ex.exercise_id)}.svg`,
        alt: `How to do the ${ex.name}`,
        onload: () => { figure.hidden = false; },
        onerror: () => { figure.remove(); },
      }));
    const next = ex.next_session;
    return h("li", {}, h("article", { class: "exercise", "aria-labelledby": `ex-${index}` },
      h("h4", { id: `ex-${index}` }, entryLink("exercise", ex.exercise_id, ex.name),
        ex.side ? ` (${ex.side === "both" ? "both sides" : `${ex.side} side`})` : ""),
      h("p", {}, ex.summary),
      figure,
      h("p", {}, h("strong", {}, "Dose: "), ex.dosage),
      h("h5", {}, "How"),
      h("ol", { class: "steps" }, ex.steps.map((step) => h("li", {}, step))),
      h("p", { class: "stop" }, h("strong", {}, "Stop if: "), ex.stop_if),
      ex.adapted_from ? h("p", {}, `A version of ${ex.adapted_from}, swapped in (see why).`) : null,
      ex.warnings.length ? h("ul", { class: "warnings" },
        ex.warnings.map((w) => h("li", {}, w))) : null,
      next ? h("p", {}, h("strong", {}, "Next session: "), next.reason) : null,
      h("h5", {}, "Why"),
      ex.explanations.slice(0, 1).map((why) => explanation(why, sources)),
      ex.explanations.length > 1 ? h("details", { class: "more-reasons" },
        h("summary", {}, `${ex.explanations.length - 1} more `
          + `reason${ex.explanations.length > 2 ? "s" : ""} for the ${ex.name}`),
        ex.explanations.slice(1).map((why) => explanation(why, sources))) : null));
  }

  function showPlan() {
    const rec = state.last;
    const sources = new Map(rec.sources.map((src) => [src.id, src]));
    const asked = report();
    const json = JSON.stringify(rec, null, 2);
    const code = h("pre", {
      class: "json", tabindex: 0, "aria-label": "The recommendation as JSON",
    }, h("code", {}, json));
    const copy = async () => {
      try {
        await navigator.clipboard.writeText(json);
      } catch {
        window.getSelection().selectAllChildren(code);
        document.execCommand("copy");
      }
      say("The JSON is copied.");
    };
    const places = rec.sites.flatMap((site) => site.zones.map((z) =>
      (site.side ? `${z.name} (${site.side === "both" ? "both sides" : site.side})` : z.name)));
    const pictures = h("div", { class: "pictures" });
    const nodes = [
      h("h2", {}, HEADINGS[rec.status] || rec.status),
      places.length ? h("p", {}, `For: ${places.join(", ")}.`) : null,
      h("p", { class: "notice", role: "note" }, h("strong", {}, "Please read: "), rec.notice),
    ];
    if (rec.referral) {
      const r = rec.referral;
      nodes.push(h("section", { class: "referral", role: "alert", "aria-labelledby": "ref-title" },
        h("h3", { id: "ref-title" }, `${URGENCY[r.urgency] || "See a clinician"}: ${r.concern}`),
        h("p", {}, r.reason),
        h("p", {}, "No exercises are suggested: see a clinician first."),
        sourceList(r.sources, sources)));
    }
    if (rec.screening.length) {
      nodes.push(h("h3", {}, "Questions still open"),
        h("ul", {}, rec.screening.map((q) => h("li", {}, q.question))));
    }
    if (rec.warnings.length) {
      nodes.push(h("h3", {}, "Warnings"),
        h("ul", { class: "warnings" }, rec.warnings.map((w) => h("li", {}, w))));
    }
    if (rec.advice.length) {
      nodes.push(h("h3", {}, "Advice"), h("ul", { class: "advice" }, rec.advice.map((a) =>
        h("li", {}, h("p", {}, a.text), h("p", { class: "meta" },
          `From ${a.guideline}, grade ${a.grade}: ${a.grade_meaning}`),
        sourceList(a.sources, sources)))));
    }
    if (rec.exercises.length) {
      nodes.push(h("h3", {}, "Exercises, in this order"),
        h("ol", { class: "exercises" }, rec.exercises.map((ex, i) => exercise(ex, i, sources))),
        h("h3", {}, "Why, in pictures"), pictures);
    }
    if (rec.also_possible.length) {
      nodes.push(h("h3", {}, "Also possible"), h("p", {}, "Left out to keep the plan short:"),
        h("ul", {}, rec.also_possible.map((a) => h("li", {},
          entryLink("exercise", a.exercise_id, a.name), `: ${a.reason}`))));
    }
    if (rec.excluded.length) {
      nodes.push(h("h3", {}, "Left out for safety"), h("ul", {}, rec.excluded.map((x) =>
        h("li", {}, entryLink("exercise", x.exercise_id, x.name), `: ${x.reason}`))));
    }
    if (rec.sources.length) {
      nodes.push(h("h3", {}, "Sources"), h("ol", { class: "source-list" }, rec.sources.map((src) =>
        h("li", {}, outLink(src), ` (${src.kind}) `,
          entryLink("source", src.id, ["in the knowledge",
            h("span", { class: "visually-hidden" }, `: ${src.title}`)])))));
    }
    nodes.push(
      h("details", { class: "json-box" },
        h("summary", {}, "The JSON an app would store"),
        h("p", {}, h("button", { type: "button", onclick: copy }, "Copy the JSON")),
        code),
      h("p", { class: "actions" },
        h("button", { type: "button", class: "primary", onclick: restart }, "Start again"),
        h("button", { type: "button", onclick: () => { state.step = "choose"; render(); } },
          "Change the places")),
    );
    show(HEADINGS[rec.status] || "The plan", nodes);
    if (rec.exercises.length) {
      pictures.append(
        picture("pictures/plan.svg", asked, "Why this plan, as a graph: the places that hurt, "
          + "the muscles that can refer pain there, the imbalances and the exercises that "
          + "correct them. The reasons above say the same in words.",
        "Why this plan: from where it hurts to each exercise."),
        picture("pictures/body-map.svg", asked, "A body map, front and back, with the places "
          + "that hurt shaded and the muscles that can refer pain there marked and listed.",
        "Where it hurts, and the muscles that can refer pain there."),
      );
    }
  }

  function restart() {
    state.chosen.clear();
    state.answers = {};
    state.order = [];
    state.last = null;
    state.step = "choose";
    render();
  }

  // --- the knowledge browser ------------------------------------------------------------------

  async function knowledgeIndex() {
    state.index = state.index || await call("knowledge");
    return state.index;
  }

  async function showIndex(focus) {
    let index;
    try {
      index = await knowledgeIndex();
    } catch (error) {
      show("The knowledge", [h("h2", {}, "The knowledge"), problem(error)], focus);
      return;
    }
    const count = h("p", { class: "hint", "aria-live": "polite" });
    const sections = index.kinds.map((kind) => h("details", {
      class: "kind", "data-kind": kind.kind,
    },
      h("summary", {}, `${kind.title} (${kind.entries.length})`),
      h("ul", { class: "entries" }, kind.entries.map((e) =>
        h("li", { "data-name": `${e.name} ${e.id}`.toLowerCase() },
          entryLink(e.kind, e.id, e.name))))));
    const filter = h("input", {
      id: "filter", type: "search", autocomplete: "off",
      oninput: () => {
        const wanted = filter.value.trim().toLowerCase();
        let shown = 0;
        for (const section of sections) {
          let here = 0;
          for (const li of section.querySelectorAll("li")) {
            li.hidden = Boolean(wanted) && !li.dataset.name.includes(wanted);
            if (!li.hidden) here += 1;
          }
          section.hidden = here === 0;
          section.open = Boolean(wanted) && here > 0;
          shown += here;
        }
        count.textContent = wanted ? `${shown} entries match.` : "";
      },
    });
    show("The knowledge", [
      h("h2", {}, "The knowledge"),
      h("p", {}, `Everything rehabgraph reasons with (${index.version}): each entry with its `,
        "facts, its sources and how strong the evidence is, its links in the graph and a ",
        "picture of its neighbourhood."),
      h("p", { class: "field" }, h("label", { for: "filter" }, "Find an entry by name"), filter),
      count,
      sections,
    ], focus);
  }

  const flat = (v) => (Array.isArray(v) ? v.map(flat).join(", ")
    : v && typeof v === "object"
      ? Object.entries(v).map(([k, x]) => `${words(k)} ${flat(x)}`).join("; ") : String(v));

  function facts(value, titles, key = "") {
    // an entry's fields as written; the sources a fact names link to their entries
    if (key === "sources" && Array.isArray(value)) {
      return value.map((id, i) => [i ? "; " : "", entryLink("source", id, titles.get(id) || id)]);
    }
    if (Array.isArray(value)) {
      const short = value.every((v) =>
        v === null || (typeof v !== "object" && String(v).length < 40));
      if (short) return value.join(", ");
      return h("ul", {}, value.map((v) => h("li", {}, facts(v, titles))));
    }
    if (value && typeof value === "object") {
      return h("dl", { class: "facts" }, Object.entries(value).map(([k, v]) =>
        [h("dt", {}, words(k)), h("dd", {}, facts(v, titles, k))]));
    }
    return String(value);
  }

  async function showEntry(kind, id, focus) {
    let entry;
    let index;
    try {
      [entry, index] = await Promise.all([
        call(`knowledge/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`),
        knowledgeIndex(),
      ]);
    } catch (error) {
      show("Not found", [h("h2", {}, "Not found"), problem(error),
        h("p", {}, h("a", { href: "#/knowledge" }, "Back to the knowledge"))], focus);
      return;
    }
    const kindOf = new Map(index.kinds.map((k) => [k.kind, k]));
    const titles = new Map(kindOf.get("source").entries.map((e) => [e.id, e.name]));
    const cite = (ids) => ids.map((sid, i) =>
      [i ? "; " : "", entryLink("source", sid, titles.get(sid) || sid)]);
    const nodes = [
      h("nav", { "aria-label": "Breadcrumb", class: "crumbs" }, h("ol", {},
        h("li", {}, h("a", { href: "#/knowledge" }, "The knowledge")),
        h("li", {}, kindOf.get(kind)?.title || kind),
        h("li", { "aria-current": "page" }, entry.name))),
      h("h2", {}, entry.name),
      h("p", { class: "meta" }, `${kind} · id ${entry.id}`,
        entry.evidence ? ` · evidence: ${entry.evidence}` : ""),
      entry.summary ? h("p", { class: "summary" }, entry.summary) : null,
    ];
    if (entry.connections.length) {
      nodes.push(h("h3", {}, "Links in the graph"), h("div", {
        class: "table-wrap", tabindex: 0, role: "region", "aria-labelledby": "links-caption",
      },
        h("table", { class: "links" },
          h("caption", { id: "links-caption" },
            `What ${entry.name} is linked to, each link with its evidence and sources`),
          h("thead", {}, h("tr", {}, ["Link", "With", "Details", "Evidence", "Sources"]
            .map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", {}, entry.connections.map((c) => h("tr", {},
            h("td", {}, c.words),
            h("td", {}, entryLink(c.other.kind, c.other.id, c.other.name), ` (${c.other.kind})`),
            h("td", {}, Object.entries(c.details).map(([k, v], i) =>
              [i ? "; " : "", k === "note" || k === "reason" ? v : `${words(k)}: ${flat(v)}`])),
            h("td", {}, c.evidence),
            h("td", {}, cite(c.sources))))))));
    } else if (entry.mentions.length) {
      nodes.push(h("h3", {}, "Entries it names"), h("ul", {}, entry.mentions.map((m) =>
        h("li", {}, `${words(m.field)}: `,
          m.entries.map((e, i) => [i ? ", " : "", entryLink(e.kind, e.id, e.name)])))));
    }
    if (Object.keys(entry.facts).length) {
      nodes.push(h("h3", {}, "Facts, as the knowledge writes them"), facts(entry.facts, titles));
    }
    if (entry.sources.length) {
      nodes.push(h("h3", {}, "Sources"),
        entry.evidence ? h("p", {}, `Evidence level: ${entry.evidence}.`) : null,
        h("ul", { class: "source-list" }, entry.sources.map((src) => h("li", {},
          entryLink("source", src.id, src.title),
          ` (${[src.kind, src.year, src.authors.join(", ")].filter(Boolean).join(", ")})`,
          src.url || src.doi ? [" ", outLink({ ...src, title: "open the source" })] : ""))));
    }
    if (entry.cited_by.length) {
      nodes.push(h("h3", {}, `Cited by (${entry.cited_by.length})`), h("ul", { class: "entries" },
        entry.cited_by.map((e) => h("li", {}, entryLink(e.kind, e.id, e.name), ` (${e.kind})`))));
    }
    if (entry.picture) {
      nodes.push(h("h3", {}, "Its neighbourhood"), h("figure", { class: "picture" },
        h("img", {
          src: entry.picture,
          alt: `${entry.name} and its direct neighbours in the knowledge graph, by kind. `
            + "The links table above says the same in words.",
        }),
        h("figcaption", {}, `${entry.name} and the entries it is linked to.`)));
    }
    show(entry.name, nodes, focus);
  }

  // --- where the page is ----------------------------------------------------------------------

  function render(focus = true) {
    if (state.step === "questions" && state.last) showQuestion();
    else if (state.step === "plan" && state.last) showPlan();
    else showChoose(focus);
  }

  function route(focus = true) {
    const hash = location.hash || "#/";
    if (!hash.startsWith("#/")) return; // an anchor within the page
    const parts = hash.slice(2).split("/").filter(Boolean).map(decodeURIComponent);
    const area = parts[0] === "knowledge" ? "knowledge" : "try";
    for (const link of document.querySelectorAll("[data-nav]")) {
      if (link.dataset.nav === area) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    if (area === "knowledge" && parts.length >= 3) showEntry(parts[1], parts[2], focus);
    else if (area === "knowledge") showIndex(focus);
    else render(focus);
  }

  window.addEventListener("hashchange", () => route());
  if (location.hash && !location.hash.startsWith("#/")) location.hash = "#/";
  route(false);
})();
