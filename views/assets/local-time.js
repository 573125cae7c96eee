// Shows <time data-local-time datetime="…"> in the reader's own time zone ("09:53"), since the
// server only knows UTC. An external file, so the strict CSP holds; without it the UTC text stays.
document.querySelectorAll('time[data-local-time]').forEach(function (el) {
  var at = new Date(el.getAttribute('datetime'));
  if (isNaN(at.getTime())) return;
  el.textContent = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
});
