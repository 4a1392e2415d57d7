import { Body, Controller, Delete, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { AdminAuthGuard, RequiresRole } from '@hallmark/platform';
import { CreateSessionHandler } from './create-session.handler';
import { EraseSessionHandler } from './erase-session.handler';

@Controller('admin/sessions')
@UseGuards(AdminAuthGuard)
@RequiresRole('admin')
export class SessionsAdminController {
  constructor(
    private readonly createSession: CreateSessionHandler,
    private readonly eraseSession: EraseSessionHandler,
  ) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown): Promise<Record<string, unknown>> {
    return this.createSession.handle(body);
  }

  @Delete(':session_id')
  @HttpCode(204)
  async erase(@Param('session_id') sessionId: string): Promise<void> {
    await this.eraseSession.handle(sessionId);
  }
}
