import { Controller, Get, Header, Param, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { requestContextOf } from '@hallmark/platform';
import { RetrieveOfferHandler } from './retrieve-offer.handler';

/** The credential_offer_uri target: wallets fetch offers by reference. */
@Controller('offers')
export class OffersController {
  constructor(private readonly retrieveOffer: RetrieveOfferHandler) {}

  @Get(':offer_ref')
  @Header('cache-control', 'no-store')
  retrieve(@Param('offer_ref') offerRef: string, @Req() request: FastifyRequest): Promise<Record<string, unknown>> {
    return this.retrieveOffer.handle(offerRef, requestContextOf(request));
  }
}
