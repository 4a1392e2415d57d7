/**
 * A real OpenID Provider (panva's oidc-provider, OpenID certified) for local runs and tests: the
 * upstream identity provider of wallet-initiated issuance. Its login is scripted: the interaction
 * page logs in the account named by `?login=<id>` (or refuses with `?deny=1`), so a test can play
 * the user agent without a browser. Not for production: accounts come from the environment.
 *
 *   UPSTREAM_OP_PORT, UPSTREAM_OP_CLIENTS (JSON array of oidc-provider client metadata),
 *   UPSTREAM_OP_ACCOUNTS (JSON object: account id -> claims)
 */
import Provider, { type Configuration } from 'oidc-provider';

const port = Number(process.env.UPSTREAM_OP_PORT ?? 4010);
const issuer = `http://127.0.0.1:${port}`;
const accounts: Record<string, Record<string, unknown>> = JSON.parse(process.env.UPSTREAM_OP_ACCOUNTS ?? '{}');

const configuration: Configuration = {
  clients: JSON.parse(process.env.UPSTREAM_OP_CLIENTS ?? '[]'),
  claims: {
    openid: ['sub'],
    profile: ['given_name', 'family_name', 'birthdate'],
    address: ['address'],
    nationalities: ['nationalities'],
  },
  scopes: ['openid', 'profile', 'nationalities'],
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  // Claims of the requested scopes go into the ID token too, so the relying party needs no userinfo call.
  conformIdTokenClaims: false,
  findAccount: async (_ctx, id) =>
    accounts[id] ? { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) } : undefined,
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['hallmark-test-op-cookie-key'] },
};

const provider = new Provider(issuer, configuration);

// The scripted login: finish the interaction at once, as the named account, with consent for what was asked.
provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([^/]+)$/.exec(ctx.path);
  if (!match || ctx.method !== 'GET') return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.query.deny) {
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      { error: 'access_denied', error_description: 'The user refused' },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  const accountId = String(ctx.query.login ?? '');
  if (!accounts[accountId]) {
    ctx.status = 400;
    ctx.body = `unknown account ${accountId}`;
    return;
  }
  const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
  grant.addOIDCScope(String(details.params.scope ?? 'openid'));
  const grantId = await grant.save();
  await provider.interactionFinished(
    ctx.req,
    ctx.res,
    { login: { accountId }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
});

provider.listen(port, '127.0.0.1', () => process.stdout.write(`upstream OpenID Provider at ${issuer}\n`));
