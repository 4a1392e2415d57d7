import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { requestContextOf } from '@hallmark/platform';
import { CNonces } from './c-nonces';

/** The nonce endpoint (OID4VCI 1.0 Section 7): no token needed, never cached. */
@Controller('nonce')
export class NonceController {
  constructor(private readonly nonces: CNonces) {}

  @Post()
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  async nonce(@Req() request: FastifyRequest): Promise<{ c_nonce: string }> {
    return { c_nonce: await this.nonces.issue(new Date(), requestContextOf(request)) };
  }
}
