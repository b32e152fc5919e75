export function createFreemud() {
  return { name: 'freemud', reset() {}, handle() { return { status: 404, headers: {}, body: '{}' }; }, faultReply() { return { status: 500, headers: {}, body: '{}' }; }, control() { return undefined; }, state() { return {}; } };
}
