// Waits for the phone's answer on the "Approve sign-in request" page and, as soon as it
// arrives (Server-Sent Events, no polling), submits the page's own form to complete the step.
// While it listens, "I approved it" is hidden: the page moves on by itself. Without JavaScript,
// or once contact is lost, the user presses "I approved it" instead.
(function () {
  'use strict';
  var form = document.getElementById('mfa-push-complete');
  if (!form || typeof EventSource === 'undefined') return;
  var status = document.getElementById('mfa-push-status');
  var manual = document.getElementById('mfa-push-manual');
  if (manual) manual.hidden = true;
  // The capability stream (data-stream) needs no session; when the host does not serve it
  // (mfa.streams not mounted), it fails before opening and the session-bound stream takes over.
  var urls = [form.getAttribute('data-stream'), form.getAttribute('data-events')].filter(Boolean);
  function listen(index) {
    var opened = false;
    var source = new EventSource(urls[index]);
    source.onopen = function () { opened = true; };
    source.addEventListener('result', function () {
      source.close();
      if (status) status.textContent = 'Answer received…';
      form.submit();
    });
    source.onerror = function () {
      // The server ends the stream after the result; on other errors EventSource retries itself.
      if (source.readyState !== EventSource.CLOSED) return;
      if (!opened && index + 1 < urls.length) return listen(index + 1);
      if (status) status.textContent = 'Lost contact. Select "I approved it" after approving.';
      if (manual) manual.hidden = false;
    };
  }
  listen(0);
})();
