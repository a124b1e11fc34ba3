// The peer of castgraph's comparison benchmark (bench/compare): the Neo4j
// GraphQL Library 7 serving typeDefs.graphql with GraphQL Yoga over the same
// Neo4j. Configuration comes from the environment; bench/compare starts and
// stops it. Reads only: the library's generated queries and nothing else.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { Neo4jGraphQL } from "@neo4j/graphql";
import { createYoga } from "graphql-yoga";
import neo4j from "neo4j-driver";

const env = (name, fallback) => process.env[name] || fallback;
const host = env("PEER_HOST", "127.0.0.1");
const port = Number(env("PEER_PORT", "4000"));

const driver = neo4j.driver(
  env("NEO4J_URI", "bolt://127.0.0.1:7688"),
  neo4j.auth.basic(env("NEO4J_USER", "neo4j"), env("NEO4J_PASSWORD", "")),
);
const typeDefs = readFileSync(new URL("./typeDefs.graphql", import.meta.url), "utf8");
const neoSchema = new Neo4jGraphQL({ typeDefs, driver });
const schema = await neoSchema.getSchema();

if (process.argv.includes("--print-schema")) {
  const { printSchema } = await import("graphql");
  process.stdout.write(printSchema(schema));
  await driver.close();
  process.exit(0);
}

await driver.verifyConnectivity();

const database = env("NEO4J_DATABASE", "");
const yoga = createYoga({
  schema,
  graphqlEndpoint: "/graphql",
  graphiql: false,
  logging: "warn",
  // The library reads its driver from the constructor; the context only
  // names the database when one is configured.
  context: () => (database ? { sessionConfig: { database } } : {}),
});

const server = createServer(yoga);
server.keepAliveTimeout = 120_000;
server.listen(port, host, () => {
  console.log(`peer: @neo4j/graphql serving http://${host}:${port}/graphql`);
});

const stop = async () => {
  server.close();
  await driver.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
