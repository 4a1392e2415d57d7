import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Session data keys (crypto-shredding) and the offer reference -> session look-up. */
export class OfferService1732780001000 implements MigrationInterface {
  name = 'OfferService1732780001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE session_data_keys (
      session_id  text PRIMARY KEY,
      wrapped_key bytea NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now())`);
    // The offer reference in credential_offer_uri is a bearer capability: only its hash is kept.
    await q.query(`CREATE TABLE offers (
      offer_ref_hash text PRIMARY KEY,
      offer_id       text NOT NULL UNIQUE,
      session_id     text NOT NULL UNIQUE)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE offers');
    await q.query('DROP TABLE session_data_keys');
  }
}
