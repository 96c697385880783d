// Behaviour every page shares, kept out of the HTML so the Content-Security-Policy can forbid
// inline script: selects that submit their form on change, and buttons that ask first.
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
// A button that acts on the checked rows stays disabled until one is checked.
function syncNeedsChecked() {
  document.querySelectorAll("[data-needs-checked]").forEach((button) => {
    const name = button.dataset.needsChecked;
    button.disabled = !button.form.querySelector('input[type="checkbox"][name="' + name + '"]:checked');
  });
}
document.addEventListener("change", (event) => {
  if (event.target.matches('input[type="checkbox"]')) syncNeedsChecked();
});
document.addEventListener("DOMContentLoaded", syncNeedsChecked);
// An error from a socket as the page words it: its rule's or code's text in the page's language
// (labels from error_messages.error_labels, with %(name)s filled from its params), else its message.
window.errorText = function (labels, code, params, message) {
  params = params || {};
  const label = labels[params.reason] || labels[code];
  if (!label) return message || "";
  const missing = [...label.matchAll(/%\((\w+)\)s/g)].some((m) => !(m[1] in params));
  return missing ? (message || "") : label.replace(/%\((\w+)\)s/g, (_, name) => String(params[name]));
};
