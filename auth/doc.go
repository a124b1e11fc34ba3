// Package auth checks credentials and says who they are for: castgraph API
// tokens, and tokens of an organisation's OpenID Connect identity provider
// (Keycloak, Authing, Azure AD, any OIDC issuer). Each check turns a
// credential into a castgraph.Actor — a name, how it signed in, and a role —
// or refuses it with UNAUTHENTICATED and a message safe to show, which never
// repeats the credential.
//
// The package knows neither HTTP nor GraphQL: the server's middleware takes
// the credential from the Authorization header and hands it here, and the
// schema's directives decide what the actor's role may do
// (castgraph.Require). Keeping it that way lets the CLI and the tests check
// credentials without a server.
package auth
