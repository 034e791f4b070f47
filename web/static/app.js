// The dashboard page: plain JavaScript, no build step, nothing from a CDN.
"use strict";

// Inside Telegram the Mini App is opened with #tgWebAppData=<initData>; every API request
// carries it (the server verifies its signature and age). Outside, the session cookie does.
const initData = (() => {
  const params = new URLSearchParams(location.hash.slice(1));
  const data = params.get("tgWebAppData");
  if (data) {
    sessionStorage.setItem("tma", data);
    history.replaceState(null, "", location.pathname + location.search + "#/");
  }
  return sessionStorage.getItem("tma");
})();

let T = {};
let me = null;
let lang = new URLSearchParams(location.search).get("lang") || "";
const main = document.getElementById("main");

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

async function api(path, options = {}) {
  const headers = initData ? { Authorization: "tma " + initData } : {};
  const sep = path.includes("?") ? "&" : "?";
  const url = lang ? path + sep + "lang=" + lang : path;
  const response = await fetch(url, { credentials: "same-origin", headers, ...options });
  if (response.status === 401) throw new Error(T["error.auth"] || "401");
  if (response.status === 403 || response.status === 404) throw new Error(T["error.forbidden"] || "403");
  if (!response.ok) throw new Error(T["error.generic"] || String(response.status));
  return response;
}

async function download(path) {
  const response = await api(path);
  const blob = await response.blob();
  const match = /filename\*=UTF-8''([^;]+)/.exec(response.headers.get("content-disposition") || "");
  const link = el("a", { href: URL.createObjectURL(blob), download: match ? decodeURIComponent(match[1]) : "export.xlsx" });
  document.body.append(link);
  link.click();
  link.remove();
}

function lights(levels) {
  return el("span", { class: "lights" }, levels.map((level, i) =>
    el("span", { class: level, title: (T["clause." + (i + 1)] || "") + "：" + (T["light." + level] || level) })));
}

async function overview() {
  const state = new URLSearchParams(location.hash.split("?")[1] || "");
  const query = new URLSearchParams();
  for (const key of ["year", "union", "grade", "light", "status", "q"]) {
    if (state.get(key)) query.set(key, state.get(key));
  }
  const data = await (await api("/api/overview?" + query)).json();
  const select = (name, options) => el("label", {}, T["filter." + name],
    el("select", { name, onchange: applyFilters },
      el("option", { value: "" }, T["filter.all"]),
      options.map(([value, label]) => {
        const option = el("option", { value }, label);
        if (String(state.get(name) || "") === String(value)) option.selected = true;
        return option;
      })));
  const years = [];
  for (let y = me.year; y > me.year - 5; y--) years.push([y, y]);
  const form = el("form", { class: "filters", id: "filters", onsubmit: (e) => { e.preventDefault(); applyFilters(); } },
    select("year", years),
    select("union", data.unions.map((u) => [u.id, u.name])),
    select("grade", [...data.grades.map((g) => [g.value, g.label]), ["none", T["grade.none"]]]),
    select("light", ["missing", "at_risk", "met"].map((l) => [l, T["light." + l]])),
    select("status", data.statuses.map((st) => [st.value, st.label])),
    el("label", {}, T["filter.q"], el("input", { name: "q", value: state.get("q") || "", onchange: applyFilters })),
    el("button", { type: "button", id: "download", onclick: () => download("/api/export.xlsx" + (state.get("union") ? "?union=" + state.get("union") : "")) }, "⬇ " + T["download"]));
  const blocks = data.blocks.map((block) => el("section", { class: "union" },
    el("h2", {}, block.name,
      block.report && T["report." + block.report] ? el("span", { class: "badge " + block.report }, T["report." + block.report]) : null,
      el("small", {}, T["count.studios"].replace("{n}", block.studios.length))),
    el("table", {},
      el("thead", {}, el("tr", {},
        el("th", {}, T["col.studio"]), el("th", { class: "hide-narrow" }, T["col.leader"]),
        el("th", {}, T["col.lights"]), el("th", {}, T["col.grade"]), el("th", { class: "hide-narrow" }, T["col.status"]))),
      el("tbody", {}, block.studios.map((s) => el("tr", { "data-studio": s.id },
        el("td", {}, el("a", { href: "#/studio/" + s.id }, s.name)),
        el("td", { class: "hide-narrow" }, s.leader),
        el("td", {}, lights(s.lights)),
        el("td", {}, s.grade_label || T["grade.none"]),
        el("td", { class: "hide-narrow" }, s.status_label)))))));
  main.replaceChildren(form, ...(blocks.length ? blocks : [el("p", {}, T["empty"])]));
}

function applyFilters() {
  const form = document.getElementById("filters");
  const query = new URLSearchParams();
  for (const field of form.elements) {
    if (field.name && field.value) query.set(field.name, field.value);
  }
  location.hash = "#/?" + query;
}

async function charts() {
  const data = await (await api("/api/charts")).json();
  const box = (id, title) => el("div", { class: "chart", id, "data-title": title });
  const ids = ["by_union", "projects", "categories", "funds", "sources", "rereviews"];
  main.replaceChildren(el("div", { class: "charts" }, ids.map((id) => box("chart-" + id, T["chart." + id]))));
  const draw = (id, option) => {
    const chart = echarts.init(document.getElementById("chart-" + id));
    chart.setOption({ title: { text: T["chart." + id], textStyle: { fontSize: 14 } }, tooltip: {}, ...option });
    window.addEventListener("resize", () => chart.resize());
  };
  const unions = Object.keys(data.by_union);
  const grades = ["excellent", "good", "pass", "fail", "none"];
  draw("by_union", {
    legend: { bottom: 0 }, grid: { left: 110, bottom: 50 }, xAxis: { type: "value" },
    yAxis: { type: "category", data: unions },
    series: grades.map((g) => ({ name: data.labels[g], type: "bar", stack: "all", data: unions.map((u) => data.by_union[u][g] || 0) })),
  });
  const years = [...new Set([...Object.keys(data.projects), ...Object.keys(data.achievements)])].sort();
  draw("projects", {
    legend: { bottom: 0 }, xAxis: { type: "category", data: years }, yAxis: { type: "value" },
    series: [
      { name: T["chart.projects_series"], type: "bar", data: years.map((y) => data.projects[y] || 0) },
      { name: T["chart.achievements_series"], type: "line", data: years.map((y) => data.achievements[y] || 0) },
    ],
  });
  draw("categories", { series: [{ type: "pie", radius: "60%", data: Object.entries(data.categories).map(([k, v]) => ({ name: data.labels[k], value: v })) }] });
  const fundYears = Object.keys(data.funds);
  draw("funds", {
    legend: { bottom: 0 }, xAxis: { type: "category", data: fundYears }, yAxis: { type: "value" },
    series: ["income", "expense"].map((d) => ({ name: T["chart." + d], type: "bar", data: fundYears.map((y) => data.funds[y][d]) })),
  });
  draw("sources", { series: [{ type: "pie", radius: "60%", data: Object.entries(data.sources).map(([k, v]) => ({ name: data.labels[k], value: v })) }] });
  const months = Object.keys(data.rereviews);
  draw("rereviews", { xAxis: { type: "category", data: months }, yAxis: { type: "value", minInterval: 1 }, series: [{ type: "bar", data: months.map((m) => data.rereviews[m]) }] });
}

async function studio(id) {
  const s = await (await api("/api/studios/" + id)).json();
  const table = (title, head, rows) => el("div", { class: "card" }, el("h3", {}, title),
    el("table", {}, el("thead", {}, el("tr", {}, head.map((h) => el("th", {}, h)))),
      el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c) => el("td", {}, c)))))));
  const files = (list) => list.map((f) => f.paper
    ? el("span", { class: "paper" }, "📎" + f.name + T["studio.paper"] + " ")
    : el("a", { href: "#", onclick: (e) => { e.preventDefault(); download("/api/files/" + f.id); } }, "📎" + f.name + " "));
  main.replaceChildren(
    el("p", {}, el("a", { href: "#/" }, T["studio.back"]),
      " ", el("button", { type: "button", onclick: () => download("/api/export.xlsx?studio=" + s.id) }, "⬇ " + T["download"])),
    el("div", { class: "card" }, el("h2", {}, s.name),
      el("p", {}, s.leader + "（" + s.honour + "） · " + s.union + " · " + s.status),
      el("p", {}, T["studio.host"] + "：" + s.host + " · " + T["studio.venue"] + "：" + (s.venue || "—") + " · " + T["studio.named"] + "：" + (s.named_on || "—"))),
    el("div", { class: "card" }, el("h3", {}, T["studio.facts"]),
      el("ul", { class: "facts" }, s.facts.map((f, i) => el("li", {}, el("span", { class: "lights" }, el("span", { class: f.level })), T["clause." + (i + 1)] + "：" + f.text)))),
    table(T["studio.grades"], [T["filter.year"], T["col.grade"]], Object.entries(s.grades)),
    table(T["studio.history"], ["", "", "", ""], s.history.map((h) => [h.at, h.to, h.by, h.reason])),
    table(T["studio.members"], ["", "", "", ""], s.members.map((m) => [m.name, m.specialty, m.education, m.birth_year || ""])),
    table(T["studio.projects"], ["", "", "", ""], s.projects.map((p) => [p.year, p.title, p.approved_on, p.body])),
    table(T["studio.achievements"], ["", "", "", "", T["studio.files"]], s.achievements.map((a) => [a.on, a.title, a.category, a.by, el("span", {}, files(a.files))])),
    table(T["studio.activities"], ["", "", "", T["studio.files"]], s.activities.map((a) => [a.on, a.summary, a.people, el("span", {}, files(a.files))])),
    table(T["studio.funds"], ["", "", "", ""], s.funds.map((f) => [f.on, T["chart." + f.direction], f.yuan.toFixed(2), f.purpose])));
}

async function report() {
  const union = me.admin ? "" : String(me.unions[0] || "");
  const query = union ? "?union=" + union : "";
  const data = await (await api("/api/report" + query)).json();
  main.replaceChildren(
    el("p", { class: "no-print" },
      el("button", { type: "button", onclick: () => window.print() }, T["report.print"]), " ",
      el("button", { type: "button", onclick: () => download("/api/report.xlsx" + query) }, "⬇ " + T["download"])),
    el("h1", { class: "report-title" }, data.title),
    ...data.unions.map((u) => el("section", { class: "union" },
      el("h2", {}, u.name, T["report." + u.state] ? el("span", { class: "badge " + u.state }, T["report." + u.state]) : null),
      el("table", { class: "report" },
        el("thead", {}, el("tr", {}, ["col.studio", "col.union", "col.grade", "report.comment", "col.lights",
          "studio.projects", "studio.achievements", "chart.income", "chart.expense"].map((k) => el("th", {}, T[k])))),
        el("tbody", {}, u.rows.map((r) => el("tr", {},
          el("td", {}, r.studio + (r.rereview ? " ⚑" : "")), el("td", {}, r.union), el("td", {}, r.grade || T["grade.none"]),
          el("td", {}, r.comment), el("td", {}, lights(r.lights)),
          el("td", {}, r.projects), el("td", {}, r.achievements),
          el("td", {}, r.income.toFixed(2)), el("td", {}, r.expense.toFixed(2)))))))),
    el("p", {}, "⚑ " + T["report.rereview"]));
}

async function sessions() {
  const rows = await (await api("/api/sessions")).json();
  main.replaceChildren(el("div", { class: "card" }, el("h2", {}, T["sessions.title"]),
    el("table", {}, el("tbody", {}, rows.map((r) => el("tr", {},
      el("td", {}, r.agent + (r.current ? T["sessions.current"] : "")),
      el("td", {}, T["sessions.since"] + " " + r.since),
      el("td", {}, el("button", { type: "button", onclick: async () => {
        await api("/api/sessions/" + r.id + "/end", { method: "POST" });
        if (r.current) location.reload(); else sessions();
      } }, T["sessions.end"]))))))));
}

async function route() {
  main.replaceChildren(el("p", {}, T["loading"] || "…"));
  const hash = location.hash.replace(/^#/, "") || "/";
  try {
    if (!T.title) {
      T = await (await fetch("/texts?lang=" + (lang || "zh"))).json();
    }
    if (!me) {
      me = await (await api("/api/me")).json();
      T = me.texts;
      lang = lang || me.lang;
      document.documentElement.lang = me.lang === "en" ? "en" : "zh-Hans";
      document.title = T["title"];
      document.getElementById("title").textContent = T["title"];
      document.querySelectorAll("[data-t]").forEach((n) => { n.textContent = T[n.dataset.t]; });
      document.getElementById("lang").textContent = me.lang === "en" ? "中文" : "EN";
      if (initData) document.querySelectorAll(".cookie-only").forEach((n) => n.remove());
      if (!me.admin && !me.officer) document.querySelectorAll(".officer-only").forEach((n) => n.remove());
    }
    if (hash.startsWith("/studio/")) await studio(parseInt(hash.slice(8), 10));
    else if (hash.startsWith("/charts")) await charts();
    else if (hash.startsWith("/sessions")) await sessions();
    else if (hash.startsWith("/report")) await report();
    else await overview();
  } catch (error) {
    main.replaceChildren(el("p", { class: "error" }, error.message));
  }
}

document.getElementById("lang").addEventListener("click", () => {
  const next = me && me.lang === "en" ? "zh" : "en";
  location.search = "?lang=" + next;
});
window.addEventListener("hashchange", route);
route();
