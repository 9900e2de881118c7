/** Whether a request's content type is JSON (any parameters, such as a charset, aside). */
export function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}
