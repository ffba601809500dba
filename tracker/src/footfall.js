/*
 * Footfall browser tracker. Privacy-first: no cookies, no storage writes, no fingerprinting.
 *
 * Snippet:
 *   <script defer src="https://HOST/js/footfall.js" data-domain="example.com"></script>
 * Optional attributes on that tag:
 *   data-api="https://HOST/api/events"  batch endpoint (default: this script's origin + /api/events)
 *   data-allow-localhost                 also track on localhost / 127.x / [::1] / file:
 *   data-hash                            hash-based routing: hash changes are pageviews, `u` keeps the hash
 *
 * Queue stub, for calls made before this script has loaded (replayed in order on load):
 *   <script>window.footfall=window.footfall||function(){(window.footfall.q=window.footfall.q||[]).push(arguments)}</script>
 *
 * API: footfall(name, {props, revenue: {amount, currency}, callback, interactive})
 *      footfall("pageview", {u: "https://example.com/virtual/page"})   manual pageview
 * Clicks: outbound links, file downloads, and elements with data-footfall-event="Name"
 *         (props from data-footfall-prop-KEY="value") are tracked automatically.
 * Opt out in a browser: localStorage.footfall_ignore = "true".
 *
 * Wire format: POST (text/plain, no preflight) of a JSON array of events:
 *   n name, u url, d domain, r referrer|null, w innerWidth, h 1 in hash mode, p props,
 *   $ revenue, i false (engagement only), sd scroll depth %, e engaged ms (delta),
 *   el {t tag, x text, s selector, h href} for clicks.
 * Events are batched: sent every 5 s, at 10 queued events, at once for pageviews, callbacks and
 * link clicks, and with sendBeacon when the page is hidden or left.
 *
 * Locals are mangled by esbuild; keep the code small (gzipped budget: 2048 bytes).
 */
(() => {
  try {
    if ((window.footfall || {}).z) return; // loaded twice
    var w = window,
      d = document,
      l = location,
      h = history,
      N = navigator,
      now = Date.now,
      on = (o, t, f, c) => o.addEventListener(t, f, c),
      // Never throw into the host page.
      G = (f) =>
        function () {
          try {
            return f.apply(this, arguments);
          } catch (x) {}
        },
      s = d.currentScript || d.querySelector("script[data-domain]"),
      A = (k) => s.getAttribute("data-" + k),
      D = A("domain"),
      P = A("api") || new URL("/api/events", s.src).href,
      H = A("hash") != null,
      L =
        A("allow-localhost") == null &&
        (/^(localhost|127(\.\d+){3}|\[::1\])$/.test(l.hostname) || l.protocol == "file:"),
      Q = [], // queued events
      T, // batch timer
      K, // key (path+search[+hash]) of the last automatic pageview
      C, // URL of the current page view, for its engagement events
      S = 0, // max scroll depth of the current page view
      R = 0, // scroll depth already reported
      E = 0, // engaged ms not yet reported
      t0 = now(), // engaged time accounted up to here
      la = t0, // last user activity
      v = !d.hidden,
      B = 1, // booting: hold the first pageview until the stub queue is replayed
      U = () => (H ? l.href : l.href.split("#")[0]),
      off = () => {
        try {
          if (localStorage.footfall_ignore == "true") return 1;
        } catch (x) {}
        return L;
      },
      ev = (n, u) => {
        var e = { n, u: u || U(), d: D, r: d.referrer || null, w: w.innerWidth };
        if (H) e.h = 1;
        return e;
      },
      // Send the whole queue; b: prefer sendBeacon (page is going away).
      fl = (b, cb) => {
        clearTimeout(T);
        T = 0;
        cb = cb || (() => {});
        if (!Q.length) return cb();
        var x = JSON.stringify(Q);
        Q = [];
        if (b && N.sendBeacon && N.sendBeacon(P, x)) cb();
        else fetch(P, { method: "POST", body: x, keepalive: true }).then(cb, cb);
      },
      // Queue an event; f: 1 send now, 2 send now with sendBeacon.
      q = (e, f, cb) => {
        if (off()) return cb && cb();
        Q.push(e);
        (f && !B) || cb || Q.length > 9 ? fl(f > 1, cb) : T || (T = setTimeout(() => fl(), 5e3));
      },
      // Count engaged time: visible, and within 15 s of the last activity.
      ac = () => {
        var t = now();
        if (v) E += Math.max(0, Math.min(t, la + 15e3) - t0);
        t0 = t;
      },
      sc = () => {
        var b = d.documentElement,
          y = Math.round(
            ((w.scrollY + w.innerHeight) * 100) / Math.max(b.scrollHeight, (d.body || b).scrollHeight)
          );
        if (y > S) S = y > 99 ? 100 : y;
      },
      // Queue an engagement event for the current page view, with what was not reported yet.
      eg = () => {
        ac();
        if (C && (E || S > R)) {
          q(Object.assign(ev("engagement", C), { i: false, sd: S, e: E }));
          R = S;
          E = 0;
        }
      },
      ff = G((n, o, f) => {
        if (typeof n != "string") return;
        o = o || {};
        var p = o.props,
          cb = o.callback,
          g = n == "pageview",
          e;
        if (g) {
          eg();
          S = R = E = 0;
          t0 = la = now();
          C = o.u || U();
          sc();
        }
        e = ev(n, g && C);
        if (p && Object.keys(p).length) e.p = p;
        if (o.revenue) e.$ = o.revenue;
        if (o.interactive === false) e.i = false;
        if (o.el) e.el = o.el;
        q(e, f || g, cb);
      }),
      pv = G(() => {
        var k = l.pathname + l.search + (H ? l.hash : "");
        if (k != K) {
          K = k;
          ff("pageview");
        }
      }),
      lv = G(() => {
        ac();
        v = 0;
        sc();
        eg();
        fl(1);
      }),
      // One selector step: tag#id or tag.class1.class2
      st = (x) =>
        x.tagName.toLowerCase() +
        (x.id ? "#" + x.id : [].slice.call(x.classList, 0, 2).map((c) => "." + c).join("")),
      ck = G((x) => {
        if (x.type != "click" && x.button != 1) return;
        var t = x.target,
          a = t.closest("a[href]"),
          f = t.closest("[data-footfall-event]"),
          o = { props: {} },
          p = o.props,
          el = f || a,
          n,
          y,
          m = el && el.parentElement;
        if (f) {
          n = f.getAttribute("data-footfall-event") || "click";
          for (y of f.attributes)
            if (!y.name.indexOf("data-footfall-prop-")) p[y.name.slice(19)] = y.value;
        } else if (a) {
          p.url = a.href;
          n = /\.(pdf|xlsx|docx|txt|rtf|csv|exe|key|pps|pptx?|7z|pkg|rar|gz|zip|avi|mov|mp4|mpeg|wmv|midi|mp3|wav|wma|dmg|iso|msi)$/i.test(
            a.pathname
          )
            ? "File Download"
            : a.host && a.hostname != l.hostname && "Outbound Link: Click";
        }
        if (n) {
          o.el = {
            t: el.tagName.toLowerCase(),
            x: (el.innerText || "").replace(/\s+/g, " ").trim().slice(0, 100),
            s: (!el.id && m && m != d.body && m != d.documentElement ? st(m) + " > " : "") + st(el),
            h: a ? a.href : undefined,
          };
          ff(n, o, a ? 2 : 0);
        }
      }),
      act = G((x) => {
        ac();
        la = t0;
        if (x.type == "scroll") sc();
      }),
      old = w.footfall;

    ["pushState", "replaceState"].forEach((m) => {
      var o = h[m];
      h[m] = function () {
        var r = o.apply(this, arguments);
        pv();
        return r;
      };
    });
    on(w, "popstate", pv);
    if (H) on(w, "hashchange", pv);
    on(d, "click", ck, true);
    on(d, "auxclick", ck, true);
    // User activity, for engaged time (and scroll depth).
    "mousemove keydown scroll touchstart mousedown"
      .split(" ")
      .forEach((t) => on(w, t, act, { capture: true, passive: true }));
    on(
      d,
      "visibilitychange",
      G(() => {
        if (d.hidden) lv();
        else {
          v = 1;
          t0 = la = now();
        }
      })
    );
    on(w, "pagehide", lv);

    w.footfall = ff;
    ff.z = 1;
    pv();
    B = 0;
    // Replay the stub's queue; it goes out in the same request as the first pageview.
    ((old && old.q) || []).forEach((a) => ff.apply(0, a));
    fl();
  } catch (x) {}
})();
