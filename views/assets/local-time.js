// Shows <time data-local-time datetime="…"> in the reader's own time zone, since the server only
// knows UTC. data-local-time="" (a time today): "09:53"; "day": "1 May 2024"; "minute": "Today,
// 09:34", "Yesterday, 18:02" or "1 May 2024, 09:34", "today" by the server's clock (data-now).
// An external file, so the strict CSP holds; without it the server's UTC text stays.
(function () {
  'use strict';
  var time = { hour: '2-digit', minute: '2-digit' };
  var date = { day: 'numeric', month: 'short', year: 'numeric' };
  function dayNumber(d) {
    return Math.floor(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / 86400000);
  }
  document.querySelectorAll('time[data-local-time]').forEach(function (el) {
    var at = new Date(el.getAttribute('datetime'));
    if (isNaN(at.getTime())) return;
    var mode = el.getAttribute('data-local-time');
    if (mode === 'day') {
      el.textContent = at.toLocaleDateString(undefined, date);
      return;
    }
    if (mode !== 'minute') {
      el.textContent = at.toLocaleTimeString(undefined, time);
      return;
    }
    var now = new Date(el.getAttribute('data-now') || Date.now());
    if (isNaN(now.getTime())) now = new Date();
    var days = dayNumber(now) - dayNumber(at);
    var day = days === 0 ? 'Today' : days === 1 ? 'Yesterday' : at.toLocaleDateString(undefined, date);
    el.textContent = day + ', ' + at.toLocaleTimeString(undefined, time);
    el.title = at.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'long' });
  });
})();
