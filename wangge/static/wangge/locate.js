// Report forms (the resident portal, the staff intake page): "use my
// position" fills the hidden lon/lat fields; one tap on submit sends one
// report (the form's idempotency key covers a retry after a lost answer).
(function () {
  "use strict";
  var button = document.getElementById("locate");
  if (button) {
    button.addEventListener("click", function () {
      var out = document.getElementById("located");
      if (!navigator.geolocation) { out.textContent = "此设备不能定位,请选择村(社区)"; return; }
      out.textContent = "定位中…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById("lon").value = pos.coords.longitude.toFixed(6);
        document.getElementById("lat").value = pos.coords.latitude.toFixed(6);
        out.textContent = "已定位";
      }, function () { out.textContent = "定位失败,请选择村(社区)"; }, {timeout: 10000});
    });
  }
  var submit = document.getElementById("submit");
  if (submit && submit.form) {
    submit.form.addEventListener("submit", function () { submit.disabled = true; });
  }
})();
