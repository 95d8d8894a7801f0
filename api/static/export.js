/* wijknet: the map for the wijkoverleg. The PNG export draws the server's SVG of the map
 * (/wijk/{slug}/kaart.svg) on a canvas at print resolution, writes the title and the
 * source line into the PNG file (tEXt chunks) and saves it; the menu's links follow the
 * map's current filters and date; the print view's button opens the print dialog. */
(function () {
  "use strict";

  var PNG_WIDTH = 3200;

  var crcTable = null;
  function crc32(bytes) {
    if (!crcTable) {
      crcTable = new Uint32Array(256);
      for (var n = 0; n < 256; n++) {
        var c = n;
        for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        crcTable[n] = c >>> 0;
      }
    }
    var crc = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  }

  /* tEXt holds Latin-1: other characters become "?". */
  function latin1(text) {
    var out = [];
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      out.push(code > 0 && code < 256 ? code : 63);
    }
    return out;
  }

  function textChunk(keyword, text) {
    var data = latin1(keyword).concat([0], latin1(text));
    var chunk = new Uint8Array(12 + data.length);
    var view = new DataView(chunk.buffer);
    view.setUint32(0, data.length);
    chunk.set([116, 69, 88, 116], 4); /* "tEXt" */
    chunk.set(data, 8);
    view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
    return chunk;
  }

  /* The PNG's bytes with tEXt chunks right after the header chunk (IHDR). */
  function withText(png, entries) {
    var headerEnd = 8 + 12 + new DataView(png.buffer, png.byteOffset).getUint32(8);
    var chunks = entries.map(function (e) { return textChunk(e[0], e[1]); });
    var size = png.length + chunks.reduce(function (s, c) { return s + c.length; }, 0);
    var out = new Uint8Array(size);
    out.set(png.subarray(0, headerEnd), 0);
    var at = headerEnd;
    chunks.forEach(function (c) { out.set(c, at); at += c.length; });
    out.set(png.subarray(headerEnd), at);
    return out;
  }

  function save(blob, filename) {
    var href = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = href;
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(href); }, 10000);
  }

  function loadImage(src) {
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () { resolve(img); };
      img.onerror = function () { reject(new Error("De kaart kon niet worden getekend.")); };
      img.src = src;
    });
  }

  /* Fetch the SVG at url, draw it at least PNG_WIDTH pixels wide and save it as filename. */
  function png(url, filename) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error("De kaart kon niet worden opgehaald.");
        return r.text();
      })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, "image/svg+xml");
        var root = doc.documentElement;
        var title = doc.querySelector("title");
        var source = doc.getElementById("bron");
        var ratio = parseFloat(root.getAttribute("height")) / parseFloat(root.getAttribute("width"));
        var svgUrl = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
        return loadImage(svgUrl).then(function (img) {
          var canvas = document.createElement("canvas");
          canvas.width = PNG_WIDTH;
          canvas.height = Math.round(PNG_WIDTH * (ratio || 0.625));
          var ctx = canvas.getContext("2d");
          ctx.fillStyle = "#ffffff";
          ctx.fillRect(0, 0, canvas.width, canvas.height);
          ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
          URL.revokeObjectURL(svgUrl);
          return new Promise(function (resolve) { canvas.toBlob(resolve, "image/png"); });
        }).then(function (blob) {
          return blob.arrayBuffer();
        }).then(function (buffer) {
          var bytes = withText(new Uint8Array(buffer), [
            ["Title", title ? title.textContent : "Netwerkkaart"],
            ["Source", source ? source.textContent : "Bron: wijknet"],
            ["Software", "wijknet"]
          ]);
          save(new Blob([bytes], { type: "image/png" }), filename);
        });
      });
  }

  window.wijknetExport = { png: png, withText: withText, crc32: crc32 };

  /* The map page's filters and date, as query parameters of the export links. */
  function currentQuery(extra) {
    var params = new URLSearchParams(extra || "");
    var datum = document.getElementById("datum");
    if (datum && datum.value) params.set("datum", datum.value);
    document.querySelectorAll("[data-filter]").forEach(function (select) {
      if (select.value) params.set(select.dataset.filter, select.value);
    });
    return params;
  }

  function today() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }

  document.querySelectorAll("a[data-export]").forEach(function (link) {
    var base = link.getAttribute("href").split("?");
    link.addEventListener("click", function (event) {
      var kind = link.dataset.export;
      var params = currentQuery(base[1]);
      if (kind === "print") {
        /* the print view shows the whole wijk on the chosen day */
        ["domein", "soort", "thema", "kernaanpak"].forEach(function (k) { params.delete(k); });
      }
      link.href = base[0] + "?" + params.toString();
      var menu = link.closest("details");
      if (menu) menu.open = false;
      if (kind !== "png") return;
      event.preventDefault();
      params.delete("download");
      var name = "wijknet-" + link.dataset.wijk + "-" + (params.get("datum") || today()) + ".png";
      link.setAttribute("aria-busy", "true");
      png(base[0] + "?" + params.toString(), name)
        .catch(function (err) { window.alert(err.message); })
        .then(function () { link.removeAttribute("aria-busy"); });
    });
  });

  var print = document.getElementById("afdrukken");
  if (print) print.addEventListener("click", function () { window.print(); });
})();
