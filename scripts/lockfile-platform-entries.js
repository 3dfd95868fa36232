// Run after any `npm install`: `npm run lock:platforms`. The registry this project installs from does
// not serve every platform build of @swc/core and unrs-resolver, so npm leaves them out of the lock
// file and `npm ci` then refuses it. Entries with os/cpu let `npm ci` validate the lock and skip them.
// Adds lock entries for optional platform packages the reachable registry does not serve.
const fs = require('fs');
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
const pkgs = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(pkgs)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies || {})) {
    const key = `node_modules/${name}`;
    if (pkgs[key] || pkgs[`${path}/node_modules/${name}`]) continue;
    const m = /-(darwin|linux|win32|android|freebsd|openharmony|sunos|aix|netbsd|openbsd)-([a-z0-9]+)/.exec(name);
    if (!m) continue;
    pkgs[key] = { version: range.replace(/^[\^~=]/, ''), dev: entry.dev, optional: true, os: [m[1]], cpu: [m[2]] };
    added++;
  }
}
fs.writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} platform entries`);
