// A file the person chose, as Rust takes it over IPC: its bytes in base64 (Rust never opens a
// path the UI hands it). Read in chunks so a large file does not overflow the call stack.
export async function fileBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
