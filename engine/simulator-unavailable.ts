// What a simulation answers when the time-skipping test server cannot start (server/time-skipping-server.ts
// throws it, the API turns it into 503 simulator_unavailable): here so that api/ need not import server/.

export const TIME_SKIPPING_HELP =
  'Campaign simulation needs Temporal\'s time-skipping test server, a Java program fetched from Maven Central: ' +
  'install a JDK (17+) and Maven (Debian: `apt-get install default-jdk-headless maven`); the first simulation ' +
  'resolves it into node_modules/.cache.'
