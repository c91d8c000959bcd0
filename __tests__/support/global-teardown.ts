/** Stops the local MariaDB and moto servers if a test in this run started them (left running when started by `npm run services`). */
import { stopLocalServices } from "../../scripts/dev/lib/services";

export default async function globalTeardown(): Promise<void> {
  stopLocalServices("jest");
}
