/** The first-run set-up page: create the organisation and its owner. The token comes from the printed link. */
export function renderSetupPage(open: boolean): string {
  const body = open
    ? `<form>
  <label>Organisation name <input name="organisation" required autocomplete="organization"></label>
  <label>Your name <input name="name" autocomplete="name"></label>
  <label>Your e-mail <input name="email" type="email" required autocomplete="email"></label>
  <label>Password (12 characters or more) <input name="password" type="password" minlength="12" required autocomplete="new-password"></label>
  <button type="submit">Create the organisation</button>
</form>
<p id="result" aria-live="polite"></p>`
    : `<p>dpdesk is already set up. Sign in with your e-mail and password, or use an API token.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Set up dpdesk</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.75rem 0}
input{display:block;width:100%;padding:.5rem;font:inherit}button{padding:.6rem 1rem;font:inherit}</style></head>
<body><h1>Set up dpdesk</h1>${body}<script src="/setup.js"></script></body></html>`;
}
