// poolcrm: charts, drawn by Apache ECharts (static/vendor/echarts.min.js, loaded before this).
//
// templates/core/_chart.html renders <div data-chart="ID"> and, beside it, the chart's data
// as <script type="application/json" id="ID"> (Django's json_script):
//   {"kind": "bar" | "stacked" | "line" | "pie" | "funnel",
//    "categories": ["label", ...],
//    "series": [{"name": "...", "values": [number, ...], "links": ["/local/url" or null, ...]}],
//    "unit": "", "horizontal": false}
// Every word in a chart comes from that JSON (the server translates it). A value that is
// neither a number nor a numeric string (json_script writes a Decimal as one) is a gap.
// Clicking a point whose link is a local path ("/…") goes there; any other link is
// ignored. The unit follows each number as given (put a space in it if one is wanted: " h").
//
// The Content-Security-Policy allows no inline script or style: nothing here evaluates code
// or writes a style attribute (tooltips are built as elements, styled through the CSSOM).
(function () {
  "use strict";

  const KINDS = ["bar", "stacked", "line", "pie", "funnel"];
  // The app's palette (static/app/app.css), its brand colour first; a page or a figure may
  // set --pc-chart-1 … --pc-chart-8 to choose its own.
  // Neighbours differ in hue: a line chart's first three (claims, assignments, returns)
  // read apart.
  const PALETTE = [
    "--pc-brand", "--pc-due", "--pc-accent", "--pc-shared",
    "--pc-pool", "--pc-bin", "--pc-mine", "--pc-claimed",
  ];
  const EXTRA = ["#e8590c", "#d6336c", "#74b816", "#1098ad", "#f59f00", "#845ef7", "#868e96"];
  const NARROW = 576;  // Bootstrap's "sm": below it, a phone
  const charts = new Map();  // element -> {chart, spec}
  let observer = null;
  let pending = 0;

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function language() {
    return document.documentElement.lang || undefined;
  }

  function formatter(options) {
    try {
      return new Intl.NumberFormat(language(), options);
    } catch (error) {
      return new Intl.NumberFormat(undefined, options);
    }
  }

  function isNumber(value) {
    return typeof value === "number" && isFinite(value);
  }

  // A number, or a numeric string (json_script writes a Decimal as one); anything else is a gap.
  function toNumber(value) {
    if (typeof value === "string" && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(value)) value = Number(value);
    return isNumber(value) ? value : null;
  }

  // A link the chart follows: a path on this site, nothing else ("//host", "/\host",
  // whitespace or control characters, which browsers strip or turn into "//", are not).
  function localLink(link) {
    if (typeof link !== "string" || link.charAt(0) !== "/") return null;
    if (/^\/[\/\\]/.test(link) || /[\s\\\u0000-\u001f\u007f]/.test(link)) return null;
    try {
      const url = new URL(link, window.location.href);
      if (url.origin !== window.location.origin) return null;
    } catch (error) {
      return null;
    }
    return link;
  }

  // The JSON island, checked: whatever is missing or of the wrong type is left out.
  function readSpec(el) {
    const island = document.getElementById(el.getAttribute("data-chart"));
    if (!island) return null;
    let raw;
    try {
      raw = JSON.parse(island.textContent);
    } catch (error) {
      return null;
    }
    if (!raw || KINDS.indexOf(raw.kind) < 0) return null;
    const categories = Array.isArray(raw.categories) ? raw.categories.map(String) : [];
    const series = (Array.isArray(raw.series) ? raw.series : []).filter(Boolean).map(function (s) {
      const values = Array.isArray(s.values) ? s.values : [];
      const links = Array.isArray(s.links) ? s.links : [];
      return {
        name: s.name == null ? "" : String(s.name),
        values: categories.map(function (_, i) { return toNumber(values[i]); }),
        links: categories.map(function (_, i) { return localLink(links[i]); }),
      };
    });
    return {
      kind: raw.kind,
      categories: categories,
      series: series,
      unit: typeof raw.unit === "string" ? raw.unit : "",
      horizontal: raw.horizontal === true,
    };
  }

  function look(el) {
    const style = window.getComputedStyle(el);
    const colours = [];
    for (let i = 1; i <= 8; i++) {
      const own = style.getPropertyValue("--pc-chart-" + i).trim();
      if (own) colours.push(own);
    }
    if (!colours.length) {
      PALETTE.forEach(function (name) {
        const colour = style.getPropertyValue(name).trim();
        if (colour) colours.push(colour);
      });
    }
    // More series than the palette holds (a team's activity): further colours, each
    // unlike the others, before any repeats.
    EXTRA.forEach(function (colour) { colours.push(colour); });
    return {
      colours: colours,
      font: style.fontFamily || "sans-serif",
      text: style.color,
      muted: style.getPropertyValue("--pc-muted").trim() || undefined,
      line: style.getPropertyValue("--pc-line").trim() || undefined,
      fontSize: Math.max(11, Math.min(14, parseFloat(style.fontSize) * 0.8 || 12)),
    };
  }

  // About how wide a label is drawn: a Chinese character takes a full em, Latin about half.
  function textWidth(text, fontSize) {
    let width = 0;
    for (const char of String(text)) width += char.charCodeAt(0) > 0x2e7f ? 1 : 0.58;
    return width * fontSize;
  }

  function longest(labels, fontSize) {
    return labels.reduce(function (most, label) {
      return Math.max(most, textWidth(label, fontSize));
    }, 0);
  }

  // The legend above a chart of several series: every name on as many rows as it takes (a
  // phone's width held three of a team's names, the rest behind arrows), or, past
  // LEGEND_ROWS rows, one row that scrolls. The plot starts below it.
  const LEGEND_GAP = 10;
  const LEGEND_ROWS = 4;
  function legendLayout(series, width, narrow, fontSize) {
    const nameWidth = narrow ? 150 : 200;
    const room = width - 16;
    let rows = 1;
    let used = 0;
    series.forEach(function (s) {
      const item = 14 + 5 + Math.min(nameWidth, textWidth(s.name, fontSize)) + LEGEND_GAP;
      if (used && used + item > room) {
        rows += 1;
        used = 0;
      }
      used += item;
    });
    const line = fontSize + 10;
    if (rows > LEGEND_ROWS) return { type: "scroll", nameWidth: narrow ? 120 : 200, height: line + 12 };
    return { type: "plain", nameWidth: nameWidth, height: rows * line + 12 };
  }

  // --- tooltips: elements, not HTML strings (a style attribute would break the CSP) --------
  function node(tag, text, styles) {
    const el = document.createElement(tag);
    if (text != null) el.textContent = text;
    Object.keys(styles || {}).forEach(function (key) { el.style[key] = styles[key]; });
    return el;
  }

  function tooltipBox(title, rows) {
    const box = node("div", null, { maxWidth: "16rem", whiteSpace: "normal" });
    if (title) box.appendChild(node("div", title, { fontWeight: "600", marginBottom: "2px", overflowWrap: "anywhere" }));
    rows.forEach(function (row) {
      const line = node("div", null, { display: "flex", alignItems: "baseline", gap: "6px" });
      const marker = node("span", null, {
        display: "inline-block", width: "10px", height: "10px", borderRadius: "50%",
        flexShrink: "0", background: typeof row.colour === "string" ? row.colour : "#999",
      });
      line.appendChild(marker);
      if (row.name) line.appendChild(node("span", row.name, { flex: "1 1 auto", overflowWrap: "anywhere" }));
      line.appendChild(node("span", row.value, { fontWeight: "600", marginLeft: "auto", paddingLeft: "8px", whiteSpace: "nowrap" }));
      box.appendChild(line);
    });
    return box;
  }

  // --- options --------------------------------------------------------------------------
  function build(el, spec) {
    const width = el.clientWidth || 390;
    const height = el.clientHeight || 260;
    const narrow = width < NARROW;
    const theme = look(el);
    const fontSize = theme.fontSize;
    const unit = spec.unit;
    // Whole numbers as they are, others with two decimals (as the table shows them).
    const whole = formatter({ maximumFractionDigits: 0 });
    const decimal = formatter({ minimumFractionDigits: 2, maximumFractionDigits: 2 });
    const compact = formatter({ notation: "compact", maximumFractionDigits: 1 });
    const show = function (value) {
      if (!isNumber(value)) return "–";
      return (Number.isInteger(value) ? whole : decimal).format(value) + unit;
    };
    const axisNumber = function (value) { return compact.format(value) + unit; };
    const animation = !reducedMotion();
    const several = spec.series.length > 1;
    const linked = function (s) { return s.links.some(Boolean); };

    const option = {
      animation: animation,
      textStyle: { fontFamily: theme.font, color: theme.text },
      tooltip: {
        confine: true,  // stays on a phone's screen (and draws no arrow, which is an HTML string)
        transitionDuration: animation ? 0.2 : 0,
        textStyle: { fontFamily: theme.font, fontSize: fontSize + 1, color: theme.text },
      },
    };
    if (theme.colours.length) option.color = theme.colours;

    if (spec.kind === "pie" || spec.kind === "funnel") {
      const s = spec.series[0] || { name: "", values: [], links: [] };
      const data = spec.categories.map(function (category, i) {
        return { name: category, value: s.values[i], cursor: s.links[i] ? "pointer" : "default" };
      });
      // A funnel's labels have the room right of it (see its left and width below).
      const room = spec.kind === "funnel" ? (narrow ? 0.48 : 0.34) : (narrow ? 0.28 : 0.22);
      const labelWidth = Math.max(60, Math.round(width * room));
      option.tooltip.trigger = "item";
      option.tooltip.formatter = function (p) {
        const percent = spec.kind === "pie" && isNumber(p.percent) ? " (" + p.percent + "%)" : "";
        return tooltipBox(s.name, [{ colour: p.color, name: p.name, value: show(p.value) + percent }]);
      };
      const label = {
        fontSize: fontSize, overflow: "truncate", width: labelWidth,
        formatter: function (p) { return p.name + ": " + show(p.value); },
      };
      if (spec.kind === "pie") {
        option.series = [{
          type: "pie", name: s.name, data: data, center: ["50%", "50%"],
          radius: narrow ? ["0%", "48%"] : ["0%", "62%"],
          avoidLabelOverlap: true, label: label, labelLine: { length: 6, length2: 6 },
        }];
      } else {
        option.series = [{
          // Widths from 0 to the largest value: ECharts' default scale is 0–100. A stage of
          // none is drawn as none (its label says 0), not as a block of its own.
          type: "funnel", name: s.name, data: data, sort: "none", gap: 2,
          min: 0, max: Math.max.apply(null, data.map(function (d) { return d.value || 0; })) || 1,
          left: "4%", width: narrow ? "42%" : "58%", top: 8, bottom: 8, minSize: "0%",
          label: Object.assign(label, { position: "right" }),
          labelLine: { length: 8 },
        }];
      }
      return option;
    }

    // bar, stacked, line: a category axis and a value axis, swapped when horizontal.
    const count = Math.max(1, spec.categories.length);
    const categoryAxis = {
      type: "category", data: spec.categories, inverse: spec.horizontal,
      boundaryGap: spec.kind !== "line",
      axisTick: { alignWithLabel: true },
      axisLabel: { fontSize: fontSize, color: theme.muted, overflow: "truncate", hideOverlap: true },
    };
    // Counts are whole: no 0.5 on their axis.
    const counts = spec.series.every(function (one) {
      return one.values.every(function (v) { return v === null || Number.isInteger(v); });
    });
    const valueAxis = {
      type: "value",
      minInterval: counts ? 1 : 0,
      axisLabel: { fontSize: fontSize, color: theme.muted, formatter: axisNumber, hideOverlap: true },
      splitLine: { lineStyle: { color: theme.line } },
    };
    const legend = several ? legendLayout(spec.series, width, narrow, fontSize) : null;
    const top = legend ? legend.height : 12;
    // A line's last point sits on the edge: room for half its label.
    let right = narrow ? 12 : 20;
    if (spec.horizontal) {
      // Names down the side: at most about a third of the width, then "…" (the tooltip and
      // the table give them whole).
      const room = Math.round(width * (narrow ? 0.36 : 0.28));
      categoryAxis.axisLabel.width = Math.max(48, Math.min(room, Math.ceil(longest(spec.categories, fontSize)) + 4));
      categoryAxis.axisLabel.interval = (height - top - 30) / count >= fontSize + 2 ? 0 : "auto";
      option.xAxis = valueAxis;
      option.yAxis = categoryAxis;
    } else {
      // Labels along the bottom: level when they fit their slot, otherwise turned 45° (90°
      // when the slots are narrower than a line of text) and cut at a length that leaves the
      // plot most of the height.
      const slot = (width - 60) / count;
      const widest = longest(spec.categories, fontSize);
      if (widest <= slot - 4) {
        categoryAxis.axisLabel.rotate = 0;
        categoryAxis.axisLabel.interval = 0;
        categoryAxis.axisLabel.width = Math.max(24, Math.floor(slot - 2));
        if (spec.kind === "line") {
          right = Math.max(right, Math.ceil(textWidth(spec.categories[count - 1] || "", fontSize) / 2) + 4);
        }
      } else {
        categoryAxis.axisLabel.rotate = slot < fontSize * 1.6 ? 90 : 45;
        categoryAxis.axisLabel.interval = slot >= fontSize * 1.2 ? 0 : "auto";
        categoryAxis.axisLabel.width = Math.round(Math.min(widest + 4, height * (narrow ? 0.3 : 0.35), narrow ? 110 : 160));
      }
      option.xAxis = categoryAxis;
      option.yAxis = valueAxis;
    }
    // The labels inside the box (what grid.containLabel did; ECharts 6 only emulates it, and
    // let long names run off the left edge).
    option.grid = {
      left: 8, right: right, top: top, bottom: 8,
      outerBoundsMode: "same", outerBoundsContain: "axisLabel",
    };
    if (legend) {
      option.legend = {
        type: legend.type, top: 0, left: "center", itemWidth: 14, itemHeight: 10,
        itemGap: LEGEND_GAP,
        textStyle: { fontSize: fontSize, width: legend.nameWidth, overflow: "truncate" },
      };
    }
    option.tooltip.trigger = "axis";
    option.tooltip.axisPointer = { type: spec.kind === "line" ? "line" : "shadow" };
    option.tooltip.formatter = function (params) {
      const list = Array.isArray(params) ? params : [params];
      const title = list.length ? spec.categories[list[0].dataIndex] : "";
      return tooltipBox(title, list.map(function (p) {
        return { colour: p.color, name: p.seriesName, value: show(p.value) };
      }));
    };
    option.series = spec.series.map(function (s) {
      const item = {
        type: spec.kind === "line" ? "line" : "bar",
        name: s.name,
        data: s.values.map(function (value, i) {
          return { value: value, cursor: s.links[i] ? "pointer" : "default" };
        }),
        cursor: linked(s) ? "pointer" : "default",
        emphasis: { focus: several ? "series" : "none" },
      };
      if (spec.kind === "stacked") item.stack = "total";
      if (spec.kind === "line") {
        item.symbolSize = 7;
        item.connectNulls = false;
      } else {
        item.barMaxWidth = 48;
      }
      return item;
    });
    return option;
  }

  // --- drawing, resizing, printing -------------------------------------------------------
  function follow(spec) {
    return function (params) {
      const s = spec.kind === "pie" || spec.kind === "funnel" ? spec.series[0] : spec.series[params.seriesIndex];
      const link = s && s.links[params.dataIndex];
      if (link && localLink(link)) window.location.assign(link);
    };
  }

  function draw(el) {
    if (charts.has(el) || !window.echarts) return;
    if (!el.clientWidth || !el.clientHeight) {
      // Hidden (a closed tab, a collapsed panel): drawn once it has a size.
      if (observer) observer.observe(el);
      return;
    }
    const spec = readSpec(el);
    if (!spec) return;
    const chart = window.echarts.init(el, null, {
      renderer: "canvas",
      // Sharp on paper and on a high-density screen.
      devicePixelRatio: Math.max(window.devicePixelRatio || 1, 2),
    });
    chart.setOption(build(el, spec));
    chart.on("click", follow(spec));
    charts.set(el, { chart: chart, spec: spec, width: el.clientWidth, height: el.clientHeight });
    el.setAttribute("data-chart-drawn", "");
    if (observer) observer.observe(el);
  }

  function drawAll(root) {
    forget();
    (root || document).querySelectorAll("[data-chart]:not([data-chart-drawn])").forEach(draw);
  }

  // Charts whose element htmx swapped out are let go.
  function forget() {
    charts.forEach(function (entry, el) {
      if (!el.isConnected) {
        if (observer) observer.unobserve(el);
        entry.chart.dispose();
        charts.delete(el);
      }
    });
  }

  function fit(el, immediately) {
    const entry = charts.get(el);
    if (!entry) {
      if (el.isConnected && el.clientWidth && el.clientHeight) draw(el);
      return;
    }
    const width = el.clientWidth;
    const height = el.clientHeight;
    if (!width || !height) return;
    if (!immediately && width === entry.width && height === entry.height) return;
    entry.width = width;
    entry.height = height;
    // The labels' angle and length depend on the width: the option is made again.
    entry.chart.setOption(build(el, entry.spec), { lazyUpdate: false });
    entry.chart.resize({ animation: { duration: 0 } });
    // Printing draws no frame in between: paint now.
    if (immediately) {
      const zr = entry.chart.getZr && entry.chart.getZr();
      if (zr && zr.refreshImmediately) zr.refreshImmediately();
    }
  }

  function fitAll(immediately) {
    forget();
    charts.forEach(function (_, el) { fit(el, immediately); });
  }

  function later() {
    if (pending) return;
    pending = window.setTimeout(function () {
      pending = 0;
      fitAll(false);
    }, 120);
  }

  // Printing: every chart's table is shown (the <details> opened, closed again after), and
  // every chart is redrawn at the paper's width before the page is laid out for it.
  const opened = [];
  function beforePrint() {
    document.querySelectorAll("details.app-chart-table:not([open])").forEach(function (details) {
      details.open = true;
      opened.push(details);
    });
    charts.forEach(function (entry) { entry.chart.dispatchAction({ type: "hideTip" }); });
    fitAll(true);
  }
  function afterPrint() {
    while (opened.length) opened.pop().open = false;
    fitAll(true);
  }

  function start() {
    if (window.ResizeObserver) {
      observer = new ResizeObserver(function (entries) {
        entries.forEach(function (entry) {
          if (!charts.has(entry.target)) fit(entry.target, false);
        });
        later();
      });
    }
    drawAll(document);
  }

  window.addEventListener("resize", later);
  window.addEventListener("beforeprint", beforePrint);
  window.addEventListener("afterprint", afterPrint);
  if (window.matchMedia) {
    const print = window.matchMedia("print");
    const change = function (event) { if (event.matches) fitAll(true); else later(); };
    if (print.addEventListener) print.addEventListener("change", change);
    else if (print.addListener) print.addListener(change);
  }
  document.addEventListener("htmx:afterSettle", function () { drawAll(document); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
