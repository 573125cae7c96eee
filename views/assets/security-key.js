// Runs the security-key ceremony of a form marked data-webauthn="register" or "authenticate":
// when the button is pressed it asks the server for fresh options (data-options-url, a POST
// with the form's CSRF token), lets the browser talk to the key, puts the key's answer into the
// hidden "response" field and submits the form, and the server verifies it. Needs
// @simplewebauthn/browser (served by the router before this file). An external file, so the
// strict CSP holds.
(function () {
  'use strict';
  var lib = window.SimpleWebAuthnBrowser;
  var forms = document.querySelectorAll('form[data-webauthn]');
  Array.prototype.forEach.call(forms, function (form) {
    var status = form.querySelector('[data-webauthn-status]');
    var button = form.querySelector('button[type="submit"]');
    var say = function (text) { if (status) status.textContent = text; };
    if (!lib || !lib.browserSupportsWebAuthn()) {
      say('This browser cannot use security keys. Use another method, or another browser.');
      if (button) button.disabled = true;
      return;
    }
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (!form.reportValidity()) return;
      var register = form.getAttribute('data-webauthn') === 'register';
      if (button) button.disabled = true;
      say(register ? 'Follow your browser\u2019s prompts: insert or touch your security key.' : 'Touch your security key, or use your passkey, when your browser asks.');
      fetchOptions(form).then(function (optionsJSON) {
        return register ? lib.startRegistration({ optionsJSON: optionsJSON }) : lib.startAuthentication({ optionsJSON: optionsJSON });
      }).then(function (response) {
        form.querySelector('input[name="response"]').value = JSON.stringify(response);
        say('Checking\u2026');
        form.submit();
      }, function (error) {
        if (button) button.disabled = false;
        say(explain(error, register));
      });
    });
  });

  function fetchOptions(form) {
    var body = new URLSearchParams({ _csrf: form.querySelector('input[name="_csrf"]').value });
    return fetch(form.getAttribute('data-options-url'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      body: body,
    }).then(function (res) {
      return res.json().then(function (json) {
        // The session moved on (signed out, expired, already done): follow it rather than run a ceremony.
        if (json.error === 'redirect' && typeof json.location === 'string') {
          window.location.assign(json.location);
          return new Promise(function () {});
        }
        if (res.ok) return json;
        var error = new Error(json.message || 'The server did not answer.');
        error.name = 'ServerError';
        throw error;
      });
    });
  }

  function explain(error, register) {
    var code = error && error.code;
    if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') return 'This security key is already registered. Use another key, or go back.';
    if (code === 'ERROR_AUTHENTICATOR_MISSING_USER_VERIFICATION_SUPPORT') return 'This security key cannot check a PIN or fingerprint, which this site requires. Use another key.';
    if (error && error.name === 'NotAllowedError') {
      return register ? 'The security key was not registered: the request was cancelled or timed out. Try again.' : 'The request was cancelled or timed out, or this key is not registered to your account. Try again.';
    }
    if (error && error.name === 'ServerError') return error.message;
    return 'Your security key could not be used' + (error && error.message ? ' (' + error.message + ')' : '') + '. Try again.';
  }
})();
