import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from './errors';
import { PLATFORM_CONFIG } from './tokens';
import type { PlatformConfig } from './config';

export type AdminRole = 'admin' | 'auditor';
const ROLE_KEY = 'hallmark:admin-role';

/** `admin` may change sessions; `auditor` may only read. The admin token also reads. */
export const RequiresRole = (role: AdminRole): MethodDecorator & ClassDecorator => SetMetadata(ROLE_KEY, role);

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
const sameSecret = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<AdminRole | undefined>(ROLE_KEY, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (!required) return true;
    const request = ctx.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    if (!token) {
      ctx.switchToHttp().getResponse<FastifyReply>().header('www-authenticate', 'Bearer realm="hallmark-admin"');
      throw new ProblemError(
        401,
        'Unauthorized',
        'a bearer token is required (HALLMARK_ADMIN_TOKEN or HALLMARK_AUDITOR_TOKEN)',
      );
    }
    const { adminToken, auditorToken } = this.config;
    const role: AdminRole | undefined =
      adminToken && sameSecret(token, adminToken)
        ? 'admin'
        : auditorToken && sameSecret(token, auditorToken)
          ? 'auditor'
          : undefined;
    if (!role) {
      ctx
        .switchToHttp()
        .getResponse<FastifyReply>()
        .header('www-authenticate', 'Bearer realm="hallmark-admin", error="invalid_token"');
      throw new ProblemError(401, 'Unauthorized', 'the bearer token is not valid');
    }
    if (required === 'admin' && role !== 'admin')
      throw new ProblemError(403, 'Forbidden', 'the auditor token gives read-only access');
    return true;
  }
}
