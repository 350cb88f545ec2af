import { decodeEvent, isEventType, type RecordedEvent } from '@parley/events';
import { ClickHouseProjector, type ClickHouseProjectorOptions, positionSeq } from '../runtime/clickhouse-projector.ts';
import type { Calendar } from './business-hours.ts';
import { queryRows } from './clickhouse.ts';
import {
  type ConversationFold,
  conversationRow,
  episodeRow,
  foldEvent,
  openFold,
  restoreFold,
  type ServiceLevelLookup,
  type TeamServiceLevels,
} from './conversation-fold.ts';
import { agentActivityRows, isMessageEvent, messageRow } from './fact-rows.ts';
import { FACT_TABLES, type FactTable } from './schema.ts';

export type AnalyticsProjectorOptions = ClickHouseProjectorOptions;

export const ANALYTICS_PROJECTOR = 'clickhouse-analytics';

const VERSION_COLUMN: Record<FactTable, string> = {
  message_facts: 'position',
  agent_activity: 'position',
  response_facts: 'version',
  conversation_facts: 'version',
  service_levels: 'version',
};

/** A row and the ordinal of the event that produced it (kept beside it: the row is inserted as is). */
type Row = { row: Record<string, unknown>; seq: number };
const CACHE_LIMIT = 100_000;

/**
 * Projects the log into the ClickHouse fact tables.
 *
 * Exactly-once effect without transactions: every row carries the ordinal of the event
 * that produced it, each table gets one INSERT per batch (one block: atomic), and at
 * start the projector reads each table's high-water mark (its largest ordinal). After a
 * crash between the inserts and the checkpoint it re-reads events from the older
 * checkpoint and drops every row at or below the table's mark, so nothing is counted
 * twice, the raw facts and the materialized rollups alike. Folds of conversations are
 * stored with their rows and skip events they already hold. The tables are written in
 * FACT_TABLES order: derived rows before the fold and the settings they came from, so
 * a stored fold never runs ahead of the rows derived from it.
 */
export class AnalyticsProjector extends ClickHouseProjector {
  private folds = new Map<string, ConversationFold>();
  private levels = new Map<string, TeamServiceLevels>();
  private marks = new Map<FactTable, number>();

  constructor(options: AnalyticsProjectorOptions) {
    super(ANALYTICS_PROJECTOR, options);
  }

  protected async load() {
    await this.loadCheckpoint();
    this.marks = await this.highWaterMarks(VERSION_COLUMN);
    this.levels = new Map();
    const settings = await queryRows(
      this.options.client,
      `SELECT tenant_id, team_id, setting, priority, body FROM ${this.db}.service_levels FINAL ORDER BY version`,
    );
    for (const s of settings) {
      const team = this.team(String(s.tenant_id), String(s.team_id));
      const body: unknown = JSON.parse(String(s.body));
      if (s.setting === 'business_hours') team.calendar = body as Calendar;
      else team.policies.set(String(s.priority), body as TeamServiceLevels['policies'] extends Map<string, infer T> ? T : never);
    }
    this.folds = new Map();
  }

  private team(tenantId: string, teamId: string): TeamServiceLevels {
    const key = `${tenantId}|${teamId}`;
    let team = this.levels.get(key);
    if (!team) {
      team = { calendar: null, policies: new Map() };
      this.levels.set(key, team);
    }
    return team;
  }

  private readonly lookup: ServiceLevelLookup = (tenantId, teamId) => (teamId === null ? undefined : this.levels.get(`${tenantId}|${teamId}`));

  /** Loads the stored folds of the conversations a batch touches that are not in memory. */
  private async loadFolds(ids: Set<string>) {
    const missing = [...ids].filter((id) => !this.folds.has(id));
    for (let i = 0; i < missing.length; i += 5_000) {
      const rows = await queryRows(this.options.client, `SELECT state FROM ${this.db}.conversation_facts FINAL WHERE conversation_id IN {ids:Array(String)}`, {
        ids: missing.slice(i, i + 5_000),
      });
      for (const r of rows) {
        const fold = restoreFold(JSON.parse(String(r.state)) as ConversationFold);
        this.folds.set(fold.conversationId, fold);
      }
    }
  }

  protected async apply(batch: readonly RecordedEvent[]) {
    const decoded = batch.flatMap((recorded) => {
      if (!isEventType(recorded.type)) return [];
      return [{ ...decodeEvent(recorded), seq: positionSeq(recorded.position) }];
    });
    const touched = new Set<string>();
    // A conversation opened after conversation_facts' mark has no stored row (a row's
    // version is at least its open's ordinal): no need to look for its fold.
    const conversationMark = this.marks.get('conversation_facts') ?? 0;
    const openedHere = new Set<string>();
    for (const { event, seq } of decoded) {
      const id = (event.data as { conversationId?: unknown }).conversationId;
      if (typeof id === 'string') touched.add(id);
      if (event.type === 'ConversationOpened' && seq > conversationMark) openedHere.add(event.data.conversationId);
    }
    for (const id of openedHere) touched.delete(id);
    await this.loadFolds(touched);

    const rows: Record<FactTable, Row[]> = {
      message_facts: [],
      agent_activity: [],
      response_facts: [],
      conversation_facts: [],
      service_levels: [],
    };
    // Rows updated in place within a batch: the last version of each key wins.
    const episodes = new Map<string, Row>();
    const conversations = new Map<string, Row>();
    const settings = new Map<string, Row>();
    // A row's content is computed once per batch, not per event: the keys changed and
    // the ordinal of their last change wait here. Its content depends only on the fold
    // (which keeps the final state of a changed episode) and the service levels, so the
    // pending rows are computed before a service-level change and at the end: the same
    // rows as computing them after every event, at a fraction of the business-hours
    // arithmetic and fold serialization.
    const pendingEpisodes = new Map<string, { fold: ConversationFold; no: number; seq: number }>();
    const pendingConversations = new Map<string, ConversationFold>();
    const materialize = () => {
      for (const [key, { fold, no, seq }] of pendingEpisodes) {
        const episode = fold.episodes[no - 1];
        // version = the ordinal of the change (its exactly-once mark), as when computed then.
        if (episode) episodes.set(key, { row: { ...episodeRow(fold, episode, this.lookup), version: seq }, seq });
      }
      // A conversation row changes with every event folded, so its last change is fold.lastSeq.
      for (const fold of pendingConversations.values()) conversations.set(fold.conversationId, { row: conversationRow(fold, this.lookup), seq: fold.lastSeq });
      pendingEpisodes.clear();
      pendingConversations.clear();
    };

    for (const { event, metadata, seq } of decoded) {
      if (event.type === 'SlaPolicySet' || event.type === 'BusinessHoursSet') {
        materialize();
        const { teamId, ...body } = event.data;
        const team = this.team(metadata.tenantId, teamId);
        let priority = '';
        if (event.type === 'SlaPolicySet') {
          const { priority: p, ...targets } = event.data;
          priority = p;
          team.policies.set(p, {
            firstResponseSeconds: targets.firstResponseSeconds,
            nextResponseSeconds: targets.nextResponseSeconds,
            resolutionSeconds: targets.resolutionSeconds,
          });
        } else {
          team.calendar = body as Calendar;
        }
        const setting = event.type === 'SlaPolicySet' ? 'sla_policy' : 'business_hours';
        const stored = event.type === 'SlaPolicySet' ? team.policies.get(priority) : team.calendar;
        settings.set(`${metadata.tenantId}|${teamId}|${setting}|${priority}`, {
          row: { tenant_id: metadata.tenantId, team_id: teamId, setting, priority, body: JSON.stringify(stored), version: seq },
          seq,
        });
        continue;
      }
      const conversationId = (event.data as { conversationId?: unknown }).conversationId;
      let fold = typeof conversationId === 'string' ? this.folds.get(conversationId) : undefined;
      if (isMessageEvent(event)) rows.message_facts.push({ row: messageRow(event, metadata, seq, fold), seq });
      for (const row of agentActivityRows(event, metadata, seq, fold)) rows.agent_activity.push({ row, seq });

      if (event.type === 'ConversationOpened') {
        if (fold) continue; // already stored: a replay after a crash
        fold = openFold(event, metadata, seq);
        this.folds.set(fold.conversationId, fold);
      } else {
        if (!fold || seq <= fold.lastSeq) continue;
        const changed = foldEvent(fold, event, metadata, seq);
        for (const no of changed) pendingEpisodes.set(`${fold.conversationId}|${no}`, { fold, no, seq });
      }
      pendingConversations.set(fold.conversationId, fold);
    }
    materialize();
    rows.response_facts = [...episodes.values()];
    rows.conversation_facts = [...conversations.values()];
    rows.service_levels = [...settings.values()];

    for (const table of FACT_TABLES) {
      const mark = this.marks.get(table) ?? 0;
      const fresh = rows[table].filter((r) => r.seq > mark);
      if (fresh.length === 0) continue;
      await this.options.client.insert({
        table: `${this.db}.${table}`,
        values: fresh.map((r) => r.row),
        format: 'JSONEachRow',
      });
      this.marks.set(
        table,
        fresh.reduce((max, r) => Math.max(max, r.seq), mark),
      );
    }

    await this.saveCheckpoint(batch);
    if (this.folds.size > CACHE_LIMIT) {
      // Stored folds reload on demand: dropping the oldest half keeps memory bounded.
      let drop = this.folds.size / 2;
      for (const key of this.folds.keys()) {
        if (drop-- <= 0) break;
        this.folds.delete(key);
      }
    }
  }
}
