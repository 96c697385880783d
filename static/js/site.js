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
