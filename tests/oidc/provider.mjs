// A real OpenID Provider for the tests: panva's oidc-provider (OpenID Certified), on 127.0.0.1.
//
// Started by tests/oidc_provider.py with one JSON argument: {"port", "clients": [...]}. It signs in whoever types
// an e-mail address on its login page (the test decides who that is; the service decides whether to let them in)
// and grants the requested scopes at once. Everything it does is the provider's own: discovery, PKCE, codes, ID
// tokens signed with its RSA key and published at its jwks_uri.
//
// Two switches at /__control let a test make it misbehave the way real providers do:
//   POST /__control/clock?offset=<seconds>  its clock runs that far off (tokens come out already expired)
//   POST /__control/jwks?mode=rogue|real    it publishes another key under the same kid (its signatures fail)
import { createServer } from "node:http";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import Provider from "oidc-provider";

const config = JSON.parse(process.argv[2]);
const issuer = `http://127.0.0.1:${config.port}`;

function rsaJwk(kid) {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...privateKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
}
const signingKey = rsaJwk("test-key-1");
const rogueKey = rsaJwk("test-key-1");
const publicPart = ({ kty, n, e, kid, alg, use }) => ({ kty, n, e, kid, alg, use });
let jwksMode = "real";

const realNow = Date.now;
let clockOffset = 0;
Date.now = () => realNow() + clockOffset * 1000;

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString("hex")] },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "preferred_username"] },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: true, preferred_username: id, name: id.split("@")[0] };
      },
    };
  },
});
provider.on("server_error", (ctx, err) => console.error("server_error", err));

const page = (uid, error = "") => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Test identity provider</title><link rel="icon" href="data:,"></head><body><h1>Test identity provider</h1>${error}
<form method="post" action="/interaction/${uid}/login">
<label>E-mail <input name="email" type="email" autocomplete="username" required></label>
<button type="submit">Sign in at the provider</button></form></body></html>`;

async function readForm(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error("interaction mismatch");
  if (action === undefined && req.method === "GET") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page(uid));
    return;
  }
  const email = (await readForm(req)).get("email") || "";
  const grant = new provider.Grant({ accountId: email, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { login: { accountId: email }, consent: { grantId } },
    { mergeWithLastSubmission: false });
}

const handle = provider.callback();
const server = createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    if (url.pathname.startsWith("/__control/") && req.method === "POST") {
      if (url.pathname === "/__control/clock") clockOffset = Number(url.searchParams.get("offset") || 0);
      else if (url.pathname === "/__control/jwks") jwksMode = url.searchParams.get("mode") || "real";
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === "/jwks" && jwksMode === "rogue") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [publicPart(rogueKey)] }));
      return;
    }
    const match = url.pathname.match(/^\/interaction\/([\w-]+)(?:\/(login))?$/);
    if (match) {
      await interaction(req, res, match[1], match[2]);
      return;
    }
    handle(req, res);
  } catch (err) {
    console.error(err);
    if (!res.headersSent) res.writeHead(400, { "content-type": "text/plain" }).end(String(err.message || err));
  }
});
server.listen(config.port, "127.0.0.1", () => console.log(`listening ${issuer}`));
