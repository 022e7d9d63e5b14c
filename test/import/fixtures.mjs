// one-api and new-api databases built with sql.js from the tables their model definitions
// (gorm structs) create, plus a mysqldump of a one-api site. Passwords are real bcrypt hashes.
import { createRequire } from 'node:module';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import initSqlJs from 'sql.js';

const require = createRequire(import.meta.url);

const ONE_API_TABLES = [
  `CREATE TABLE users (id integer PRIMARY KEY AUTOINCREMENT, username text UNIQUE, password text NOT NULL, display_name text, role integer DEFAULT 1,
    status integer DEFAULT 1, email text, github_id text, wechat_id text, lark_id text, oidc_id text, access_token char(32) UNIQUE, quota bigint DEFAULT 0,
    used_quota bigint DEFAULT 0, request_count integer DEFAULT 0, "group" varchar(32) DEFAULT 'default', aff_code varchar(32) UNIQUE, inviter_id integer)`,
  `CREATE TABLE tokens (id integer PRIMARY KEY AUTOINCREMENT, user_id integer, key char(48) UNIQUE, status integer DEFAULT 1, name text, created_time bigint,
    accessed_time bigint, expired_time bigint DEFAULT -1, remain_quota bigint DEFAULT 0, unlimited_quota numeric DEFAULT false, used_quota bigint DEFAULT 0,
    models text DEFAULT '', subnet text DEFAULT '')`,
  `CREATE TABLE channels (id integer PRIMARY KEY AUTOINCREMENT, type integer DEFAULT 0, key text, status integer DEFAULT 1, name text, weight integer DEFAULT 0,
    created_time bigint, test_time bigint, response_time integer, base_url text DEFAULT '', other text, balance real, balance_updated_time bigint, models text,
    "group" varchar(32) DEFAULT 'default', used_quota bigint DEFAULT 0, model_mapping varchar(1024) DEFAULT '', priority bigint DEFAULT 0, config text, system_prompt text)`,
  'CREATE TABLE options (key text PRIMARY KEY, value text)',
  `CREATE TABLE redemptions (id integer PRIMARY KEY AUTOINCREMENT, user_id integer, key char(32) UNIQUE, status integer DEFAULT 1, name text,
    quota bigint DEFAULT 100, created_time bigint, redeemed_time bigint)`,
  `CREATE TABLE logs (id integer PRIMARY KEY AUTOINCREMENT, user_id integer, created_at bigint, type integer, content text, username text DEFAULT '',
    token_name text DEFAULT '', model_name text DEFAULT '', quota integer DEFAULT 0, prompt_tokens integer DEFAULT 0, completion_tokens integer DEFAULT 0,
    channel integer, request_id text DEFAULT '', elapsed_time bigint DEFAULT 0, is_stream numeric DEFAULT false, system_prompt_reset numeric DEFAULT false)`,
  'CREATE TABLE abilities ("group" varchar(32), model varchar(255), channel_id integer, enabled numeric, priority bigint DEFAULT 0, PRIMARY KEY ("group", model, channel_id))',
];

const NEW_API_TABLES = [
  `CREATE TABLE users (id integer PRIMARY KEY AUTOINCREMENT, username text UNIQUE, password text NOT NULL, display_name text, role integer DEFAULT 1,
    status integer DEFAULT 1, email text, github_id text, oidc_id text, wechat_id text, telegram_id text, access_token char(32) UNIQUE, quota integer DEFAULT 0,
    used_quota integer DEFAULT 0, request_count integer DEFAULT 0, "group" varchar(64) DEFAULT 'default', aff_code varchar(32) UNIQUE, aff_count integer DEFAULT 0,
    aff_quota integer DEFAULT 0, aff_history integer DEFAULT 0, inviter_id integer, deleted_at datetime, linux_do_id text, setting text, remark varchar(255), stripe_customer varchar(64))`,
  `CREATE TABLE tokens (id integer PRIMARY KEY AUTOINCREMENT, user_id integer, key varchar(128) UNIQUE, status integer DEFAULT 1, name text, created_time bigint,
    accessed_time bigint, expired_time bigint DEFAULT -1, remain_quota integer DEFAULT 0, unlimited_quota numeric, model_limits_enabled numeric, model_limits text,
    allow_ips text DEFAULT '', used_quota integer DEFAULT 0, "group" text DEFAULT '', cross_group_retry numeric, deleted_at datetime)`,
  `CREATE TABLE channels (id integer PRIMARY KEY AUTOINCREMENT, type integer DEFAULT 0, key text NOT NULL, openai_organization text, test_model text,
    status integer DEFAULT 1, name text, weight integer DEFAULT 0, created_time bigint, test_time bigint, response_time integer, base_url text DEFAULT '',
    other text, balance real, balance_updated_time bigint, models text, "group" varchar(64) DEFAULT 'default', used_quota bigint DEFAULT 0, model_mapping text,
    status_code_mapping varchar(1024) DEFAULT '', priority bigint DEFAULT 0, auto_ban integer DEFAULT 1, other_info text, tag text, setting text,
    param_override text, header_override text, remark varchar(255), channel_info json, settings text)`,
  'CREATE TABLE options (key text PRIMARY KEY, value text)',
  `CREATE TABLE redemptions (id integer PRIMARY KEY AUTOINCREMENT, user_id integer, key char(32) UNIQUE, status integer DEFAULT 1, name text,
    quota integer DEFAULT 100, created_time bigint, redeemed_time bigint, used_user_id integer, deleted_at datetime, expired_time bigint)`,
];

async function sqlJs() {
  const dist = path.dirname(require.resolve('sql.js/dist/sql-wasm.wasm'));
  return initSqlJs({ locateFile: (f) => path.join(dist, f) });
}

/** @param {import('sql.js').Database} db @param {string} table @param {Record<string, unknown>} row */
function insert(db, table, row) {
  const cols = Object.keys(row);
  db.run(
    `INSERT INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
    cols.map((c) => row[c]),
  );
}

/** 48 letters and digits, as one-api makes keys (stored without `sk-`). */
export const key48 = (seed) =>
  (seed.repeat(48) + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v2W3x4Y5').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 48);

const now = () => Math.floor(Date.now() / 1000);

/**
 * The one-api site the end-to-end test moves: alice (vip) with keys in every status, a
 * two-key channel, an auto-disabled channel at a higher priority, a Gemini channel, prices, codes.
 * @param {{ liveUrl: string, deadUrl: string }} up
 */
export async function oneApiDatabase(up) {
  const db = new (await sqlJs()).Database();
  for (const sql of ONE_API_TABLES) db.run(sql);
  const t = now();
  insert(db, 'users', {
    id: 1,
    username: 'root',
    password: bcrypt.hashSync('root-old-pass', 8),
    display_name: 'Root User',
    role: 100,
    status: 1,
    access_token: 'a'.repeat(32),
    quota: 0,
    group: 'default',
    aff_code: 'r001',
  });
  insert(db, 'users', {
    id: 2,
    username: 'alice',
    password: bcrypt.hashSync('alice-old-pass', 8),
    display_name: 'Alice',
    role: 1,
    status: 1,
    email: 'alice@example.com',
    access_token: 'b'.repeat(32),
    quota: 1_000_000,
    used_quota: 5000,
    group: 'vip',
    aff_code: 'a001',
  });
  insert(db, 'users', {
    id: 3,
    username: 'bob',
    password: bcrypt.hashSync('bob-old-pass', 8),
    role: 1,
    status: 2,
    access_token: 'c'.repeat(32),
    quota: 42,
    group: 'default',
    aff_code: 'b001',
  });
  insert(db, 'tokens', {
    id: 1,
    user_id: 2,
    key: key48('live'),
    status: 1,
    name: 'main',
    created_time: t,
    expired_time: -1,
    remain_quota: 0,
    unlimited_quota: 1,
    used_quota: 5000,
  });
  insert(db, 'tokens', {
    id: 2,
    user_id: 2,
    key: key48('off'),
    status: 2,
    name: 'disabled',
    created_time: t,
    expired_time: -1,
    remain_quota: 100,
    unlimited_quota: 0,
  });
  insert(db, 'tokens', {
    id: 3,
    user_id: 2,
    key: key48('empty'),
    status: 4,
    name: 'exhausted',
    created_time: t,
    expired_time: -1,
    remain_quota: 0,
    unlimited_quota: 0,
  });
  insert(db, 'tokens', {
    id: 4,
    user_id: 2,
    key: key48('limit'),
    status: 1,
    name: 'limited',
    created_time: t,
    expired_time: t + 86400,
    remain_quota: 7000,
    unlimited_quota: 0,
    models: 'gpt-4o-mini',
    subnet: '10.0.0.0/8',
  });
  insert(db, 'tokens', {
    id: 5,
    user_id: 1,
    key: key48('root'),
    status: 1,
    name: 'root key',
    created_time: t,
    expired_time: -1,
    remain_quota: 0,
    unlimited_quota: 1,
  });
  insert(db, 'channels', {
    id: 1,
    type: 1,
    key: 'sk-upstream-one\nsk-upstream-two\n',
    status: 1,
    name: 'openai main',
    weight: 0,
    created_time: t,
    base_url: up.liveUrl,
    models: 'gpt-4o-mini,gpt-4o',
    group: 'default,vip',
    model_mapping: '',
    priority: 0,
  });
  insert(db, 'channels', {
    id: 2,
    type: 1,
    key: 'sk-upstream-dead',
    status: 3,
    name: 'openai broken',
    weight: 0,
    created_time: t,
    base_url: up.deadUrl,
    models: 'gpt-4o-mini',
    group: 'default,vip',
    model_mapping: '{"gpt-4o-mini":"gpt-4o-mini-2024"}',
    priority: 10,
  });
  insert(db, 'channels', {
    id: 3,
    type: 24,
    key: 'AIza-gemini-upstream-key',
    status: 1,
    name: 'gemini',
    created_time: t,
    base_url: '',
    models: 'gemini-1.5-pro',
    group: 'default',
  });
  insert(db, 'options', { key: 'ModelRatio', value: JSON.stringify({ 'gpt-4o-mini': 0.075, 'gpt-4o': 1.25 }) });
  insert(db, 'options', { key: 'CompletionRatio', value: JSON.stringify({ 'gpt-4o-mini': 4, 'gpt-4o': 4 }) });
  insert(db, 'options', { key: 'GroupRatio', value: JSON.stringify({ default: 1, vip: 1.5 }) });
  insert(db, 'options', { key: 'QuotaPerUnit', value: '500000' });
  insert(db, 'redemptions', {
    id: 1,
    user_id: 1,
    key: 'f'.repeat(16) + '0123456789abcdef',
    status: 1,
    name: 'welcome',
    quota: 250000,
    created_time: t,
  });
  insert(db, 'redemptions', {
    id: 2,
    user_id: 1,
    key: 'e'.repeat(16) + '0123456789abcdef',
    status: 3,
    name: 'spent',
    quota: 999,
    created_time: t,
    redeemed_time: t,
  });
  for (const [i, q] of [
    [1, 120],
    [2, 80],
  ])
    insert(db, 'logs', {
      id: i,
      user_id: 2,
      created_at: t - 86400,
      type: 2,
      model_name: 'gpt-4o-mini',
      quota: q,
      prompt_tokens: 100 * i,
      completion_tokens: 10 * i,
      channel: 1,
    });
  return Buffer.from(db.export());
}

/** A new-api site that counted 1,000,000 quota per dollar, with per-call prices and IP lists. */
export async function newApiDatabase() {
  const db = new (await sqlJs()).Database();
  for (const sql of NEW_API_TABLES) db.run(sql);
  const t = now();
  insert(db, 'users', {
    id: 7,
    username: 'carol',
    password: bcrypt.hashSync('carol-old-pass', 8),
    role: 10,
    status: 1,
    access_token: 'd'.repeat(32),
    quota: 3_000_001,
    used_quota: 2_000_000,
    group: 'default',
    aff_code: 'c001',
  });
  insert(db, 'users', {
    id: 8,
    username: 'gone',
    password: bcrypt.hashSync('x', 4),
    role: 1,
    status: 1,
    access_token: 'e'.repeat(32),
    quota: 5,
    group: 'default',
    aff_code: 'g001',
    deleted_at: '2024-01-01 00:00:00',
  });
  insert(db, 'tokens', {
    id: 11,
    user_id: 7,
    key: key48('carol'),
    status: 1,
    name: 'ci',
    created_time: t,
    expired_time: -1,
    remain_quota: 1_000_000,
    unlimited_quota: 0,
    model_limits_enabled: 1,
    model_limits: 'deepseek-chat,gpt-4o',
    allow_ips: '192.168.1.0/24\n127.0.0.1',
    group: 'default',
  });
  insert(db, 'channels', {
    id: 21,
    type: 43,
    key: 'sk-ds-1\nsk-ds-2\nsk-ds-3',
    status: 1,
    name: 'deepseek',
    weight: 5,
    created_time: t,
    base_url: '',
    models: 'deepseek-chat',
    group: 'default',
    priority: 3,
    channel_info: '{"is_multi_key":true,"multi_key_size":3}',
    tag: 'cn',
  });
  insert(db, 'channels', {
    id: 22,
    type: 2,
    key: 'mj-key',
    status: 1,
    name: 'midjourney',
    created_time: t,
    base_url: 'https://mj.example',
    models: 'mj_imagine',
    group: 'default',
  });
  insert(db, 'options', { key: 'ModelRatio', value: JSON.stringify({ 'deepseek-chat': 0.5 }) });
  insert(db, 'options', { key: 'CompletionRatio', value: JSON.stringify({ 'deepseek-chat': 2 }) });
  insert(db, 'options', { key: 'CacheRatio', value: JSON.stringify({ 'deepseek-chat': 0.1 }) });
  insert(db, 'options', { key: 'ModelPrice', value: JSON.stringify({ mj_imagine: 0.1 }) });
  insert(db, 'options', { key: 'GroupRatio', value: JSON.stringify({ default: 1, svip: 0.8 }) });
  insert(db, 'options', { key: 'QuotaPerUnit', value: '1000000' });
  insert(db, 'redemptions', {
    id: 31,
    key: '1'.repeat(32),
    status: 1,
    name: 'late',
    quota: 1_000_000,
    created_time: t,
    expired_time: t + 3600,
  });
  insert(db, 'redemptions', {
    id: 32,
    key: '2'.repeat(32),
    status: 1,
    name: 'old',
    quota: 1_000_000,
    created_time: t - 7200,
    expired_time: t - 3600,
  });
  return Buffer.from(db.export());
}

/** A mysqldump (default options: no column lists, extended inserts) of a small one-api site. */
export function oneApiMysqlDump() {
  const hash = bcrypt.hashSync('dave-old-pass', 8);
  return `-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;
DROP TABLE IF EXISTS \`users\`;
CREATE TABLE \`users\` (
  \`id\` bigint NOT NULL AUTO_INCREMENT,
  \`username\` varchar(191) DEFAULT NULL,
  \`password\` longtext NOT NULL,
  \`display_name\` varchar(191) DEFAULT NULL,
  \`role\` bigint DEFAULT '1',
  \`status\` bigint DEFAULT '1',
  \`email\` varchar(191) DEFAULT NULL,
  \`quota\` bigint DEFAULT '0',
  \`used_quota\` bigint DEFAULT '0',
  \`group\` varchar(32) DEFAULT 'default',
  PRIMARY KEY (\`id\`),
  UNIQUE KEY \`idx_users_username\` (\`username\`)
) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4;
LOCK TABLES \`users\` WRITE;
INSERT INTO \`users\` VALUES (1,'dave','${hash}','Dave \\'the\\' Admin;',100,1,NULL,200000,0,'default'),(2,'erin','${hash}','Erin\\nNew',1,1,'e@x.io',0,0,'default');
UNLOCK TABLES;
CREATE TABLE \`tokens\` (
  \`id\` bigint NOT NULL AUTO_INCREMENT,
  \`user_id\` bigint DEFAULT NULL,
  \`key\` char(48) DEFAULT NULL,
  \`status\` bigint DEFAULT '1',
  \`name\` varchar(191) DEFAULT NULL,
  \`created_time\` bigint DEFAULT NULL,
  \`accessed_time\` bigint DEFAULT NULL,
  \`expired_time\` bigint DEFAULT '-1',
  \`remain_quota\` bigint DEFAULT '0',
  \`unlimited_quota\` tinyint(1) DEFAULT '0',
  \`used_quota\` bigint DEFAULT '0',
  \`models\` longtext,
  \`subnet\` longtext,
  PRIMARY KEY (\`id\`)
) ENGINE=InnoDB;
INSERT INTO \`tokens\` VALUES (1,1,'${key48('dump')}',1,'dave; key',1700000000,0,-1,500,0,0,'',''),(2,2,'${key48('erin')}',1,'erin',1700000000,0,1900000000,0,1,3,NULL,NULL);
CREATE TABLE \`channels\` (
  \`id\` bigint NOT NULL AUTO_INCREMENT,
  \`type\` bigint DEFAULT '0',
  \`key\` longtext NOT NULL,
  \`status\` bigint DEFAULT '1',
  \`name\` varchar(191) DEFAULT NULL,
  \`weight\` bigint unsigned DEFAULT '0',
  \`base_url\` varchar(191) DEFAULT '',
  \`models\` longtext,
  \`group\` varchar(32) DEFAULT 'default',
  \`model_mapping\` varchar(1024) DEFAULT '',
  \`priority\` bigint DEFAULT '0',
  PRIMARY KEY (\`id\`)
) ENGINE=InnoDB;
INSERT INTO \`channels\` VALUES (1,14,'sk-ant-a\\nsk-ant-b',1,'claude',2,'','claude-3-5-sonnet','default','{\\"claude-3-5-sonnet\\":\\"claude-3-5-sonnet-20241022\\"}',1);
CREATE TABLE \`options\` (
  \`key\` varchar(191) NOT NULL,
  \`value\` longtext,
  PRIMARY KEY (\`key\`)
) ENGINE=InnoDB;
INSERT INTO \`options\` VALUES ('ModelRatio','{\\"claude-3-5-sonnet\\":1.5}'),('CompletionRatio','{\\"claude-3-5-sonnet\\":5}');
`;
}
