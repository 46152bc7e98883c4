import { eq } from "drizzle-orm";
import type { Database } from "../connect.ts";
import { instanceSettings } from "../schema.ts";

export class SettingsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Returns the stored value, storing `create()` first when there is none. Two instances racing
   * on an empty database both end up with the value that won the insert.
   */
  async getOrCreate(key: string, create: () => string): Promise<string> {
    await this.db.insert(instanceSettings).values({ key, value: create() }).onConflictDoNothing();
    const [row] = await this.db.select().from(instanceSettings).where(eq(instanceSettings.key, key));
    if (!row) throw new Error(`instance setting ${key} vanished right after it was written`);
    return row.value;
  }
}
