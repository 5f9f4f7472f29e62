/* IOP Finder: QR codes made in the browser, as window.IOPQR, for what only the browser knows: the referral list a
 * person chose, printed with a code that opens the same list.
 *
 * The twin of generator/qr.py, which makes program pages' codes at build time: byte mode, error correction level
 * M, mask 2, the smallest version that holds the text. The same text gives the same modules, which
 * tests/test_qr_js.py checks under Node against the Python, and decodes with zxing-cpp. Text is encoded as UTF-8
 * (a page's URL is ASCII, where the two agree).
 *
 * Program pages draw their printed code here too, into their box marked data-qr (empty: the page's own address,
 * from its canonical link; data-qr-label: the code's name in the page's language): 20,000 pages do not each carry 2.8 KB of SVG that only paper shows. Nothing
 * else here touches the page until a function is called, so Node loads the file without a DOM.
 */
(function (root) {
  "use strict";

  // Level M: error correction codewords per block, and blocks, for versions 1 to 40 (ISO/IEC 18004:2015 Table 9).
  var ECC_PER_BLOCK = [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28,
    28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28];
  var BLOCKS = [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26,
    28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49];
  var LEVEL_M = 0, MASK = 2;  // format information: level M is 00; mask 2 inverts every third column

  /* Modules left for data and error correction once the function patterns are placed. */
  function rawModules(ver) {
    var n = (16 * ver + 128) * ver + 64;
    if (ver >= 2) {
      var align = Math.floor(ver / 7) + 2;
      n -= (25 * align - 10) * align - 55;
      if (ver >= 7) n -= 36;
    }
    return n;
  }
  function dataCodewords(ver) { return Math.floor(rawModules(ver) / 8) - ECC_PER_BLOCK[ver] * BLOCKS[ver]; }
  function versionFor(length) {
    for (var ver = 1; ver <= 40; ver++) {
      if (4 + (ver < 10 ? 8 : 16) + 8 * length <= dataCodewords(ver) * 8) return ver;
    }
    throw new Error(length + " bytes do not fit in a QR code at error level M");
  }

  /* --- Reed-Solomon over GF(256), polynomial 0x11D --- */
  var EXP = new Array(512), LOG = new Array(256);
  (function () {
    for (var i = 0, x = 1; i < 255; i++) {
      EXP[i] = x;
      LOG[x] = i;
      x <<= 1;
      if (x & 0x100) x ^= 0x11d;
    }
    for (var j = 255; j < 512; j++) EXP[j] = EXP[j - 255];
  })();
  function multiply(a, b) { return a && b ? EXP[LOG[a] + LOG[b]] : 0; }
  function divisor(degree) {
    var poly = [1];  // coefficients, highest power first, of the product of (x - 2^i)
    for (var i = 0; i < degree; i++) {
      var next = new Array(poly.length + 1).fill(0);
      for (var j = 0; j < poly.length; j++) {
        next[j] ^= poly[j];
        next[j + 1] ^= multiply(poly[j], EXP[i]);
      }
      poly = next;
    }
    return poly.slice(1);
  }
  function remainder(data, div) {
    var rem = new Array(div.length).fill(0);
    data.forEach(function (b) {
      var factor = b ^ rem.shift();
      rem.push(0);
      div.forEach(function (coef, i) { rem[i] ^= multiply(coef, factor); });
    });
    return rem;
  }

  /* --- Codewords: mode, length, data, terminator, padding; then blocks interleaved with their check bytes --- */
  function codewords(bytes, ver) {
    var bits = [];
    function put(value, count) { for (var i = count - 1; i >= 0; i--) bits.push((value >>> i) & 1); }
    var capacity = dataCodewords(ver) * 8;
    put(4, 4);
    put(bytes.length, ver < 10 ? 8 : 16);
    bytes.forEach(function (b) { put(b, 8); });
    put(0, Math.min(4, capacity - bits.length));
    put(0, (8 - bits.length % 8) % 8);
    var words = [];
    for (var i = 0; i < bits.length; i += 8) {
      var w = 0;
      for (var k = 0; k < 8; k++) w = (w << 1) | bits[i + k];
      words.push(w);
    }
    for (var pad = 0xec; words.length < capacity / 8; pad ^= 0xec ^ 0x11) words.push(pad);
    return words;
  }
  function interleaved(words, ver) {
    var blocks = BLOCKS[ver], ecc = ECC_PER_BLOCK[ver];
    var total = Math.floor(rawModules(ver) / 8);
    var short = blocks - total % blocks, shortLength = Math.floor(total / blocks) - ecc;
    var data = [], checks = [], div = divisor(ecc), at = 0;
    for (var i = 0; i < blocks; i++) {
      var length = shortLength + (i < short ? 0 : 1);
      var block = words.slice(at, at + length);
      at += length;
      data.push(block);
      checks.push(remainder(block, div));
    }
    var out = [];
    [data, checks].forEach(function (group) {
      var longest = Math.max.apply(null, group.map(function (b) { return b.length; }));
      for (var j = 0; j < longest; j++) group.forEach(function (b) { if (j < b.length) out.push(b[j]); });
    });
    return out;
  }

  /* --- The symbol --- */
  function alignmentPositions(ver) {
    if (ver === 1) return [];
    var count = Math.floor(ver / 7) + 2, size = ver * 4 + 17;
    var step = Math.floor((ver * 8 + count * 3 + 5) / (count * 4 - 4)) * 2;
    var out = [6];
    for (var pos = size - 7; out.length < count; pos -= step) out.splice(1, 0, pos);
    return out;
  }
  /* Rows of modules (1 dark, 0 light) for the text. */
  function matrix(text) {
    var bytes = Array.from(new TextEncoder().encode(text));
    var ver = versionFor(bytes.length), size = ver * 4 + 17;
    var modules = [], fixed = [];
    for (var y = 0; y < size; y++) { modules.push(new Array(size).fill(0)); fixed.push(new Array(size).fill(false)); }
    function set(x, y, dark) { modules[y][x] = dark ? 1 : 0; fixed[y][x] = true; }

    for (var i = 0; i < size; i++) { set(6, i, i % 2 === 0); set(i, 6, i % 2 === 0); }
    [[3, 3], [size - 4, 3], [3, size - 4]].forEach(function (c) {
      for (var dy = -4; dy <= 4; dy++) {
        for (var dx = -4; dx <= 4; dx++) {
          var d = Math.max(Math.abs(dx), Math.abs(dy)), xx = c[0] + dx, yy = c[1] + dy;
          if (xx >= 0 && xx < size && yy >= 0 && yy < size) set(xx, yy, d !== 2 && d !== 4);
        }
      }
    });
    var align = alignmentPositions(ver), last = align.length - 1;
    align.forEach(function (ax, a) {
      align.forEach(function (ay, b) {
        if ((a === 0 && b === 0) || (a === 0 && b === last) || (a === last && b === 0)) return;
        for (var dy = -2; dy <= 2; dy++) {
          for (var dx = -2; dx <= 2; dx++) set(ax + dx, ay + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
        }
      });
    });
    formatBits(set, size);  // reserve the places; drawn for real after the data
    if (ver >= 7) {
      var rem = ver;
      for (var k = 0; k < 12; k++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
      var bits = ver << 12 | rem;
      for (var n = 0; n < 18; n++) {
        var bit = (bits >>> n) & 1, a2 = size - 11 + n % 3, b2 = Math.floor(n / 3);
        set(a2, b2, bit);
        set(b2, a2, bit);
      }
    }

    // Data, two columns at a time from the right, alternately up and down, skipping the timing column.
    var data = interleaved(codewords(bytes, ver), ver), at = 0;
    for (var right = size - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5;
      var upward = ((right + 1) & 2) === 0;
      for (var v = 0; v < size; v++) {
        var row = upward ? size - 1 - v : v;
        for (var j = 0; j < 2; j++) {
          var x = right - j;
          if (fixed[row][x]) continue;
          if (at < data.length * 8) modules[row][x] = (data[at >>> 3] >>> (7 - (at & 7))) & 1;
          at++;
          if (x % 3 === 0) modules[row][x] ^= 1;  // mask 2
        }
      }
    }
    formatBits(set, size);
    return modules;
  }
  /* Level and mask with their BCH check bits, in both places, and the dark module. */
  function formatBits(set, size) {
    var data = LEVEL_M << 3 | MASK, rem = data;
    for (var i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
    var bits = (data << 10 | rem) ^ 0x5412;
    function bit(n) { return (bits >>> n) & 1; }
    for (var a = 0; a <= 5; a++) set(8, a, bit(a));
    set(8, 7, bit(6));
    set(8, 8, bit(7));
    set(7, 8, bit(8));
    for (var b = 9; b < 15; b++) set(14 - b, 8, bit(b));
    for (var c = 0; c < 8; c++) set(size - 1 - c, 8, bit(c));
    for (var d = 8; d < 15; d++) set(8, size - 15 + d, bit(d));
    set(8, size - 8, 1);
  }

  /* The code as an SVG element (a light square and one dark path), with an accessible name. */
  function svg(text, label, border) {
    var rows = matrix(text), edge = border === undefined ? 2 : border, size = rows.length + 2 * edge;
    var NS = "http://www.w3.org/2000/svg", doc = root.document;
    var out = doc.createElementNS(NS, "svg");
    out.setAttribute("viewBox", "0 0 " + size + " " + size);
    out.setAttribute("class", "iop-qr");
    out.setAttribute("role", "img");
    out.setAttribute("aria-label", label);
    var paper = doc.createElementNS(NS, "path");
    paper.setAttribute("fill", "#fff");
    paper.setAttribute("d", "M0 0h" + size + "v" + size + "h-" + size + "z");
    var d = "";
    rows.forEach(function (row, y) {
      for (var x = 0; x < row.length; x++) {
        if (!row[x]) continue;
        var start = x;
        while (x < row.length && row[x]) x++;
        d += "M" + (start + edge) + " " + (y + edge) + ".5h" + (x - start);
      }
    });
    var ink = doc.createElementNS(NS, "path");
    ink.setAttribute("stroke", "#000");
    ink.setAttribute("d", d);
    out.appendChild(paper);
    out.appendChild(ink);
    return out;
  }

  root.IOPQR = { matrix: matrix, svg: svg, versionFor: versionFor, dataCodewords: dataCodewords };

  /* Each box marked data-qr gets its code once the page is parsed (the script is deferred), so it is there
   * before any print, from the menu or from the page's Print button. An empty data-qr means the page's own
   * address: its canonical link, the published URL even when the page is opened from a preview or a file. */
  if (root.document) {
    var canonical = root.document.querySelector('link[rel="canonical"]');
    [].forEach.call(root.document.querySelectorAll("[data-qr]"), function (box) {
      var text = box.getAttribute("data-qr") || (canonical ? canonical.href : root.location.href);
      box.textContent = "";
      box.appendChild(svg(text, box.getAttribute("data-qr-label")));
    });
  }
})(typeof window !== "undefined" ? window : globalThis);
