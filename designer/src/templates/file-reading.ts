/** A chosen file as the import API wants it: .mjml as text, a .zip as base64. */
export async function readDesignFile(file: File): Promise<{ name: string; mjml?: string; zip?: string }> {
  if (/\.zip$/i.test(file.name)) return { name: file.name, zip: await base64(file) }
  return { name: file.name, mjml: await file.text() }
}

export async function base64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}
