// The dashboard page: lays out the server's state (dashboard/view.ts), pushed as server-sent events on every
// new block, and draws the charts with Vega-Lite compiled in the browser (served from node_modules).
/* global vega, vegaLite */
"use strict";

let state = null;
let receivedAt = Date.now();
const views = {};

const $ = (id) => document.getElementById(id);

function element(tag, attributes, text) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) el.setAttribute(key, value);
  if (text !== undefined) el.textContent = text;
  return el;
}

function replaceChildren(parent, children) {
  parent.replaceChildren(...children);
}

function countdown(seconds) {
  if (seconds <= 0) return "executable now";
  const parts = [
    [Math.floor(seconds / 86400), "d"],
    [Math.floor((seconds % 86400) / 3600), "h"],
    [Math.floor((seconds % 3600) / 60), "min"],
    [Math.floor(seconds % 60), "s"],
  ].filter(([value]) => value > 0);
  return "in " + parts.map(([value, unit]) => `${value} ${unit}`).join(" ");
}

async function draw(id, spec) {
  const target = $(id);
  try {
    const compiled = vegaLite.compile(spec).spec;
    views[id]?.finalize();
    views[id] = new vega.View(vega.parse(compiled), { renderer: "svg", container: target, hover: true });
    await views[id].runAsync();
  } catch (error) {
    target.textContent = `chart failed: ${error.message}`;
  }
}

const CHART = { width: "container", height: 180, autosize: { type: "fit", contains: "padding" } };

function drawCharts(s) {
  const points = s.series.flatMap((p) => [
    { block: p.block, series: "balance", amount: p.balance },
    { block: p.block, series: "target", amount: p.target },
    { block: p.block, series: "floor", amount: p.floor },
  ]);
  draw("chart-balance", {
    ...CHART,
    data: { values: points },
    mark: { type: "line", point: points.length < 60, interpolate: "step-after" },
    encoding: {
      x: { field: "block", type: "quantitative", title: "block", axis: { format: "d" } },
      y: { field: "amount", type: "quantitative", title: s.fund ? s.fund.token.split(" ")[0] : "" },
      color: {
        field: "series",
        type: "nominal",
        scale: { domain: ["balance", "target", "floor"], range: ["#1c64f2", "#0e9f6e", "#c81e1e"] },
      },
      strokeDash: {
        field: "series",
        type: "nominal",
        scale: {
          domain: ["balance", "target", "floor"],
          range: [
            [1, 0],
            [4, 2],
            [2, 2],
          ],
        },
      },
    },
  });
  const band = s.fund?.band ?? {};
  const ratio = s.series.filter((p) => p.ratioPct !== null).map((p) => ({ block: p.block, ratio: p.ratioPct }));
  const rules = [band.lowerPct, band.upperPct].filter((v) => v !== undefined).map((pct) => ({ pct }));
  draw("chart-ratio", {
    ...CHART,
    layer: [
      {
        data: { values: ratio },
        mark: { type: "line", point: ratio.length < 60, interpolate: "step-after", color: "#1c64f2" },
        encoding: {
          x: { field: "block", type: "quantitative", title: "block", axis: { format: "d" } },
          y: { field: "ratio", type: "quantitative", title: "R (%)" },
        },
      },
      {
        data: { values: rules },
        mark: { type: "rule", strokeDash: [4, 3], color: "#c27803" },
        encoding: { y: { field: "pct", type: "quantitative" } },
      },
    ],
  });
  const limits = (s.fund?.markets ?? []).flatMap((m) => [
    { market: `market ${m.id}`, part: "used", amount: m.usedWhole },
    { market: `market ${m.id}`, part: "left", amount: m.leftWhole },
  ]);
  draw("chart-limits", {
    ...CHART,
    height: Math.max(60, 40 * (s.fund?.markets.length ?? 1)),
    data: { values: limits },
    mark: "bar",
    encoding: {
      y: { field: "market", type: "nominal", title: null },
      x: { field: "amount", type: "quantitative", stack: "zero", title: s.fund ? s.fund.token.split(" ")[0] : "" },
      color: { field: "part", type: "nominal", scale: { domain: ["used", "left"], range: ["#e02424", "#a4cafe"] } },
      order: { field: "part", sort: "descending" },
    },
  });
}

function definitions(parent, entries) {
  replaceChildren(
    parent,
    entries.flatMap(([term, value]) => [element("dt", {}, term), element("dd", {}, value)]),
  );
}

function renderCountdowns() {
  if (!state?.fund) return;
  const now = state.blockTime + (Date.now() - receivedAt) / 1000;
  const scheduled = state.fund.governance.scheduled;
  replaceChildren(
    $("scheduled"),
    scheduled.length === 0
      ? [element("li", {}, "nothing scheduled")]
      : scheduled.map((op) =>
          element(
            "li",
            { "data-operation": op.operationId },
            `${op.call} by ${op.caller}: ${countdown(op.executableAt - now)} (${new Date(op.executableAt * 1000).toISOString()})`,
          ),
        ),
  );
}

function render(s) {
  state = s;
  receivedAt = Date.now();
  const pill = $("connection");
  pill.textContent = s.connected ? `live: block ${s.block}` : "no node";
  pill.className = `pill ${s.connected ? "live" : "down"}`;
  const error = $("node-error");
  error.hidden = s.error === null;
  error.textContent =
    s.error === null
      ? ""
      : `${s.error}${s.block === undefined ? "" : ` (below: the last state read, block ${s.block})`}`;
  replaceChildren(
    $("alerts"),
    s.alerts.map((a) => element("li", { class: a.level }, a.text)),
  );
  if (!s.fund) return;
  const f = s.fund;
  $("where").textContent = `${f.address} on chain ${f.chainId} via ${s.rpc}`;
  replaceChildren(
    $("cards"),
    f.cards.map((c) => {
      const card = element("div", { class: "card" });
      card.append(element("div", { class: "label" }, c.label), element("div", { class: "value" }, c.value));
      if (c.note) card.append(element("div", { class: "note" }, c.note));
      return card;
    }),
  );
  replaceChildren(
    $("markets").tBodies[0],
    f.markets.map((m) => {
      const row = element("tr", { "data-market": m.id });
      row.append(
        element("td", {}, m.id),
        element("td", { class: "address" }, m.exchange),
        ...[m.limit, m.used, m.left, m.openInterest, m.badDebt, m.pending, m.bucket, m.deferredFees].map((v) =>
          element("td", {}, v),
        ),
      );
      return row;
    }),
  );
  renderBackstop(f.backstop);
  definitions($("optional"), [
    ["pending claims", f.optional.pendingClaims],
    ["payout buckets", f.optional.buckets],
    ["backstop", f.optional.backstop],
    ["deferred fees", f.optional.deferredFees],
  ]);
  definitions(
    $("flows"),
    f.flows.map((flow) => [flow.label, flow.value]),
  );
  $("manager").textContent = `AccessManager ${f.governance.manager}`;
  replaceChildren(
    $("members"),
    f.governance.members.map((m) => element("li", {}, `${m.role} ${m.account}: ${m.delay}`)),
  );
  renderCountdowns();
  replaceChildren(
    $("feed"),
    s.feed.map((item) => {
      const li = element("li", { class: item.kind, "data-event": item.name });
      li.append(element("span", { class: "block" }, `#${item.block}`), document.createTextNode(item.text));
      return li;
    }),
  );
  drawCharts(s);
}

/** The staked backstop's panel, hidden when the fund has none. */
function renderBackstop(backstop) {
  $("backstop-panel").hidden = backstop === null;
  if (backstop === null) return;
  $("backstop-address").textContent = backstop.address;
  definitions(
    $("backstop"),
    backstop.figures.map((figure) => [figure.label, figure.value]),
  );
  replaceChildren(
    $("backstop-markets").tBodies[0],
    backstop.markets.map((m) => {
      const row = element("tr", { "data-market": m.id });
      row.append(...[m.id, m.limit, m.paid, m.left, m.pendingFromBackstop].map((v) => element("td", {}, v)));
      return row;
    }),
  );
}

function connect() {
  const source = new EventSource("/api/stream");
  source.addEventListener("state", (event) => render(JSON.parse(event.data)));
  source.onerror = () => {
    const pill = $("connection");
    pill.textContent = "dashboard server unreachable";
    pill.className = "pill down";
    const error = $("node-error");
    error.hidden = false;
    error.textContent = "Lost the dashboard's server: retrying…";
  };
}

setInterval(renderCountdowns, 1000);
connect();
