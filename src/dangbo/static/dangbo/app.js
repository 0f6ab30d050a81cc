// Behaviours that templates ask for with data attributes. The Content-Security-Policy forbids inline script
// (<script> blocks, onchange=/onsubmit= attributes), so they live here, loaded from our own static files.
//
//   <select data-auto-submit>        submits its form as soon as the choice changes
//   <form data-confirm="Question?">  asks before submitting; "Hủy" (cancel) keeps the form from being sent
"use strict";

document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof Element && field.hasAttribute("data-auto-submit") && field.form) {
    field.form.submit();
  }
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm !== undefined && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
