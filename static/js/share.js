// Copy an article's address: the button is hidden until this script shows it, so readers
// without JavaScript see only what works for them (the QR code and the address itself).
for (const button of document.querySelectorAll("[data-copy-url]")) {
  if (!navigator.clipboard) continue;
  const status = button.parentElement.querySelector("[data-copy-status]");
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.copyUrl);
      status.textContent = "链接已复制";
    } catch {
      status.textContent = "无法复制，请手动复制上面的链接";
    }
  });
}
