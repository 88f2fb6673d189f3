/**
 * Hands text to the browser as a file download named `fileName`, through
 * a temporary object URL.
 */
export function saveFile(file: {
  fileName: string;
  contentType: string;
  text: string;
}): void {
  const url = URL.createObjectURL(
    new Blob([file.text], { type: file.contentType }),
  );
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.style.display = 'none';
  document.body.appendChild(link);
  try {
    link.click();
  } finally {
    link.remove();
    // After the click has been handled: revoking at once can cancel it.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}
