// Photos from a phone: shrink each picked image to at most 1600 px and
// re-encode it as JPEG before the form is sent — a 4 MB camera photo
// becomes ~250 KB, which a weak mountain signal can carry. Where the
// browser cannot do it (no canvas.toBlob or DataTransfer), the original
// goes up and the server shrinks it instead.
(function () {
  "use strict";
  var MAX = 1600;
  function shrink(file) {
    return new Promise(function (resolve) {
      if (!/^image\//.test(file.type)) { resolve(file); return; }
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, MAX / Math.max(img.width, img.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.width * scale);
        canvas.height = Math.round(img.height * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          resolve(new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", {type: "image/jpeg"}));
        }, "image/jpeg", 0.8);
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(file); };
      img.src = url;
    });
  }
  document.querySelectorAll("input[type=file][data-shrink]").forEach(function (input) {
    var note = document.getElementById(input.id + "-note");
    input.addEventListener("change", function () {
      if (typeof DataTransfer === "undefined" || !HTMLCanvasElement.prototype.toBlob) return;
      var files = Array.prototype.slice.call(input.files);
      if (note) note.textContent = "正在压缩照片…";
      Promise.all(files.map(shrink)).then(function (small) {
        var dt = new DataTransfer();
        var total = 0;
        small.forEach(function (f) { dt.items.add(f); total += f.size; });
        input.files = dt.files;
        if (note) note.textContent = small.length + " 张照片,共 " + Math.round(total / 1024) + " KB";
      });
    });
  });
})();
