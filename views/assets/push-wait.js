// Waits for the phone's answer on the "Approve sign in request" page and, as soon as it
// arrives (Server-Sent Events, no polling), submits the page's own form to complete the step.
// Without JavaScript the user presses "I approved it" instead.
(function () {
  'use strict';
  var form = document.getElementById('mfa-push-complete');
  if (!form || typeof EventSource === 'undefined') return;
  var status = document.getElementById('mfa-push-status');
  var source = new EventSource(form.getAttribute('data-events'));
  source.addEventListener('result', function () {
    source.close();
    if (status) status.textContent = 'Answer received…';
    form.submit();
  });
  source.onerror = function () {
    // The server ends the stream after the result; on other errors EventSource retries itself.
    if (source.readyState === EventSource.CLOSED && status) status.textContent = 'Lost contact. Select "I approved it" after approving.';
  };
})();
