// Upload pages: drop files anywhere on the form, and see what will be sent before sending it.
(function () {
  const input = document.querySelector('form input[type="file"]');
  if (!input) return;
  const form = input.form;
  const list = document.createElement("ul");
  list.className = "file-list";
  list.id = "file-list";
  input.insertAdjacentElement("afterend", list);
  form.classList.add("dropzone");
  const hint = form.dataset.dropHint;
  if (hint) {
    const note = document.createElement("p");
    note.className = "hint drop-hint";
    note.textContent = hint;
    input.insertAdjacentElement("beforebegin", note);
  }

  function size(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function show() {
    list.replaceChildren(...[...input.files].map((file) => {
      const item = document.createElement("li");
      item.textContent = file.name + " · " + size(file.size);
      return item;
    }));
  }

  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach((type) => form.addEventListener(type, (event) => {
    event.preventDefault();
    form.classList.add("dragging");
  }));
  ["dragleave", "drop"].forEach((type) => form.addEventListener(type, () => form.classList.remove("dragging")));
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    const files = event.dataTransfer.files;
    if (!files.length) return;
    const chosen = new DataTransfer();
    [...files].slice(0, input.multiple ? files.length : 1).forEach((file) => chosen.items.add(file));
    input.files = chosen.files;
    show();
  });
})();
