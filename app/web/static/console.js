// Small helpers; every page works without them.
document.addEventListener("submit", function (e) {
  var form = e.target;
  var ask = form.getAttribute("data-confirm");
  if (ask && !window.confirm(ask)) { e.preventDefault(); return; }
  var button = form.querySelector("button[type=submit]");
  if (button && form.method.toLowerCase() === "post" && !form.hasAttribute("data-download")) {
    // Keep a double click from submitting twice; the page reloads after the post.
    window.setTimeout(function () { button.disabled = true; }, 0);
    if (button.getAttribute("data-busy")) { button.textContent = button.getAttribute("data-busy"); }
  }
});

// 地区选择: a province list narrows a grouped region select; for one region, a district list
// (区/县) follows the chosen city. Without this script the grouped select works alone.
(function () {
  function option(value, label) {
    var o = document.createElement("option");
    o.value = value; o.textContent = label;
    return o;
  }
  function enhance(select) {
    var groups = Array.prototype.slice.call(select.querySelectorAll("optgroup"));
    var wrap = document.createElement("span");
    wrap.className = "region-picker";
    select.parentNode.insertBefore(wrap, select);
    var province = document.createElement("select");
    province.setAttribute("aria-label", "省份");
    province.appendChild(option("", "全部省份"));
    groups.forEach(function (g) { province.appendChild(option(g.label, g.label)); });
    wrap.appendChild(province);
    wrap.appendChild(select);
    var district = null;
    if (!select.multiple) {
      district = document.createElement("select");
      district.setAttribute("aria-label", "区县");
      district.hidden = true;
      wrap.appendChild(district);
    }
    function narrow() {
      groups.forEach(function (g) {
        var shown = !province.value || g.label === province.value;
        g.hidden = !shown;
        Array.prototype.forEach.call(g.children, function (o) { o.hidden = !shown; });
      });
      if (!select.multiple && select.selectedOptions.length &&
          select.selectedOptions[0].parentNode.hidden) {
        select.value = "";
      }
    }
    function loadDistricts() {
      if (!district) { return; }
      var code = select.value;
      var municipality = /^(11|12|31|50)0000$/.test(code);
      if (!municipality && (!/^\d{4}00$/.test(code) || /0000$/.test(code))) {
        if (!/^\d{6}$/.test(code) || /00$/.test(code)) { district.hidden = true; }
        return;
      }
      fetch("/regions/" + code + "/districts").then(function (r) { return r.json(); })
        .then(function (items) {
          district.textContent = "";
          district.appendChild(option(code, municipality ? "全市（不限区）" : "全市（不限区县）"));
          items.forEach(function (d) { district.appendChild(option(d.code, d.name)); });
          district.hidden = items.length === 0;
        });
    }
    var chosen = document.querySelector("[data-region-chosen='" + select.name + "']");
    function summarize() {
      if (!chosen) { return; }
      var names = Array.prototype.map.call(select.selectedOptions, function (o) {
        return o.textContent;
      });
      chosen.textContent = "已选：" + (names.length ? names.join("、") : "不限");
    }
    select.addEventListener("change", summarize);
    summarize();
    province.addEventListener("change", narrow);
    select.addEventListener("change", loadDistricts);
    if (district) {
      district.addEventListener("change", function () {
        var code = district.value;
        var found = select.querySelector("option[value='" + code + "']");
        if (!found) {
          found = option(code, district.selectedOptions[0].textContent);
          var city = select.selectedOptions[0];
          (city ? city.parentNode : select).appendChild(found);
        }
        select.value = code;
      });
    }
    var current = select.selectedOptions.length ? select.selectedOptions[0].parentNode : null;
    if (current && current.tagName === "OPTGROUP" && !select.multiple) {
      province.value = current.label;
      narrow();
    }
    loadDistricts();
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-region]"), enhance);
  });
})();
