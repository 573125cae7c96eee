// "Print" buttons: <button data-print>. An external file, so the strict CSP holds.
document.addEventListener('click', function (event) {
  if (event.target instanceof Element && event.target.closest('[data-print]')) window.print();
});
