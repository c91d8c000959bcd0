/**
 * npm run services -- start|stop|status: the local MariaDB and moto servers the campaign
 * engine's integration tests, demo and bench use (installed into .tools/ on first start).
 * Services started here are left running until `stop`; Jest stops only the ones it started.
 */
import { ensureLocalServices, localServicesAddress, localServicesStatus, stopLocalServices } from "./lib/services";
import { ToolError } from "../platform/lib/tools";

const USAGE = "usage: npm run services -- start|stop|status";

async function main(command: string | undefined): Promise<void> {
  switch (command) {
    case "start": {
      const services = await ensureLocalServices("manual", (line) => process.stderr.write(`${line}\n`));
      process.stdout.write(`mysql  ${services.mysql.host}:${services.mysql.port} (user ${services.mysql.user})\naws    ${services.awsEndpoint}\n`);
      return;
    }
    case "stop": {
      const stopped = stopLocalServices("all");
      process.stdout.write(stopped.length ? `stopped ${stopped.join(", ")}\n` : "nothing was running from .tools/services\n");
      return;
    }
    case "status": {
      // What answers now, on the ports MEDICARE_MYSQL_PORT / MEDICARE_MOTO_PORT select.
      const address = localServicesAddress();
      const running = await localServicesStatus();
      const line = (name: string, up: boolean, where: string, variable: string) => `${name.padEnd(6)} ${up ? `running at ${where}` : `not running (${where}; port from ${variable})`}`;
      process.stdout.write(`${line("mysql", running.mysql, `${address.mysql.host}:${address.mysql.port}`, "MEDICARE_MYSQL_PORT")}\n${line("aws", running.moto, address.awsEndpoint, "MEDICARE_MOTO_PORT")}\n`);
      if (!running.mysql && !running.moto) process.stdout.write("nothing is running; start both with: npm run services -- start\n");
      return;
    }
    default:
      process.stderr.write(`services: unknown command ${JSON.stringify(command ?? "")}; ${USAGE}\n`);
      process.exitCode = 2;
  }
}

main(process.argv[2]).catch((error) => {
  if (!(error instanceof ToolError)) throw error;
  process.stderr.write(`services: ${error.message}\n`);
  process.exitCode = 2;
});
