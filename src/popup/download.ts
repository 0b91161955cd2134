/** Saves text as a file through a temporary object URL (no data the page could see: this is an extension page). */
export function downloadText(fileName: string, contents: string, type = 'application/json'): void {
  save(fileName, new Blob([contents], { type }));
}

export function downloadBytes(fileName: string, bytes: Uint8Array): void {
  save(fileName, new Blob([bytes.slice()], { type: 'application/octet-stream' }));
}

function save(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
