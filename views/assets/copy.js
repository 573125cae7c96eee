// "Copy" buttons: <button data-copy-from="input-id">. An external file, so the strict CSP holds.
document.addEventListener('click', function (event) {
  var button = event.target instanceof Element ? event.target.closest('[data-copy-from]') : null;
  if (!button) return;
  var input = document.getElementById(button.getAttribute('data-copy-from'));
  if (!input) return;
  var done = function () { button.textContent = 'Copied'; };
  input.select();
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(done, function () { if (document.execCommand('copy')) done(); });
  } else if (document.execCommand('copy')) {
    done();
  }
});
