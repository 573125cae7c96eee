// "How should we contact you?" with several entries: shows only the chosen entry's own options
// (the mobile app's Notification / One-time password), and their radios only count for it. An
// external file, so the strict CSP holds; without it every entry's options stay visible.
(function () {
  'use strict';
  var select = document.querySelector('select[data-setup-contact]');
  if (!select) return;
  var parts = document.querySelectorAll('[data-contact]');
  function show() {
    Array.prototype.forEach.call(parts, function (part) {
      var chosen = part.getAttribute('data-contact') === select.value;
      part.hidden = !chosen;
      Array.prototype.forEach.call(part.querySelectorAll('input'), function (input) { input.disabled = !chosen; });
    });
  }
  select.addEventListener('change', show);
  show();
})();
