import { Controller, Delete, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { NotFoundError } from '@shared-kernel';
import { ApiAuth, CurrentPrincipal } from '@platform/auth/decorators';
import { userOf } from '@platform/auth/ownership';
import type { Principal } from '@platform/auth/principal';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { ApiResult, ValidBody, ValidParams } from '@platform/http/zod-request';
import { DeviceTokenRepository, type DeviceView } from '../channels/push';
import { notificationsConfig, type NotificationsConfig } from '../notifications.config';
import { Device, DeviceIdParams, DeviceList, RegisterDeviceRequest } from './dto/devices.requests';

/** The signed-in user's push devices: only their own, ever (another user's device id is 404). */
@ApiTags('notifications')
@ApiAuth()
@Controller('notifications/devices')
export class DevicesHttpController {
  constructor(
    private readonly devices: DeviceTokenRepository,
    @Inject(notificationsConfig.token) private readonly config: NotificationsConfig,
  ) {}

  @Post()
  @ApiOperation({
    summary: "Register this app install's push token (idempotent)",
    description:
      'The app calls this at each start. 201 when the token is new for the caller, 200 when it was registered already (it is refreshed, and revived if a provider had called it dead). A user keeps the most recently registered NOTIFICATIONS_DEVICES_PER_USER tokens.',
  })
  @ApiResult(201, Device)
  @ApiResult(200, Device, 'Registered already')
  @ApiProblems(400, 403)
  async register(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(RegisterDeviceRequest) body: RegisterDeviceRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeviceView> {
    const { created, device } = await this.devices.register(userOf(principal), body.platform, body.token, this.config.push.devicesPerUser);
    reply.status(created ? 201 : 200);
    return device;
  }

  @Get()
  @ApiOperation({ summary: 'My push devices (live ones), most recently registered first' })
  @ApiResult(200, DeviceList)
  @ApiProblems(403)
  async list(@CurrentPrincipal() principal: Principal): Promise<z.output<typeof DeviceList>> {
    return { items: await this.devices.listOf(userOf(principal)) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove one of my push devices (at sign-out of the app)' })
  @ApiResponse({ status: 204, description: 'Removed' })
  @ApiProblems(400, 403, 404)
  async remove(@CurrentPrincipal() principal: Principal, @ValidParams(DeviceIdParams) { id }: z.output<typeof DeviceIdParams>): Promise<void> {
    if (!(await this.devices.remove(userOf(principal), id))) throw new NotFoundError('NOTIFICATION_DEVICE_NOT_FOUND', `no device ${id}`);
  }
}
