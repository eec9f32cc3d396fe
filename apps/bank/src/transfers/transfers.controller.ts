import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import {
  AggregateRepository,
  IfMatch,
  InjectAggregateRepository,
  LocationHeader,
  Sagas,
  VersionETagInterceptor,
} from 'nest-event-sourcing';
import { ApproveTransfer, RequestTransfer, type TransferCommandResult } from './commands/transfer-commands';
import { RequestTransferDto } from './dto/request-transfer.dto';
import { TransferAcceptedResponse, TransferResponse } from './dto/transfer-responses';
import { Transfer } from './transfer.aggregate';
import type { TransferState } from './transfer.saga';

/** Transfers between accounts, run by the durable transfer saga. */
@ApiTags('transfers')
@Controller('transfers')
export class TransfersController {
  constructor(
    private readonly commands: CommandBus,
    @InjectAggregateRepository(Transfer) private readonly transfers: AggregateRepository<Transfer>,
    private readonly sagas: Sagas,
  ) {}

  /** Accepts a transfer: 202; poll `GET /transfers/:id` for its outcome. */
  @Post()
  @HttpCode(202)
  @LocationHeader('/transfers/:transferId')
  @ApiAcceptedResponse({ type: TransferAcceptedResponse, description: 'Location: /transfers/<id>.' })
  @ApiNotFoundResponse({ description: 'An account does not exist (problem ES_AGGREGATE_NOT_FOUND).' })
  @ApiUnprocessableEntityResponse({ description: 'Both accounts are the same (problem ES_DOMAIN_RULE).' })
  async request(@Body() { fromAccountId, toAccountId, amount }: RequestTransferDto): Promise<TransferAcceptedResponse> {
    const result = await this.commands.execute(new RequestTransfer(randomUUID(), fromAccountId, toAccountId, amount));
    return { transferId: result.transferId, position: result.position! };
  }

  /** The transfer's status: pending, completed or failed (with the reason). */
  @Get(':id')
  @ApiOkResponse({ type: TransferResponse })
  @ApiNotFoundResponse({ description: 'No such transfer (problem ES_AGGREGATE_NOT_FOUND).' })
  async get(@Param('id') id: string): Promise<TransferResponse> {
    const transfer = await this.transfers.load(id);
    const saga = await this.sagas.findByCorrelation('transfer', id);
    const step = saga?.status === 'active' ? (saga.state as Partial<TransferState>).step : undefined;
    return {
      transferId: transfer.id,
      status: transfer.status === 'new' ? 'pending' : transfer.status,
      ...(transfer.reason ? { reason: transfer.reason } : {}),
      fromAccountId: transfer.fromAccountId,
      toAccountId: transfer.toAccountId,
      amount: transfer.amount,
      needsApproval: transfer.needsApproval,
      ...(step ? { step } : {}),
      version: transfer.version,
    };
  }

  /**
   * Approves a large transfer, until its approval deadline: 200 means the approval won
   * and the transfer will complete (unless the target refuses the credit); an approval
   * that loses to the deadline gets 422 `approval-expired` and changes nothing.
   */
  @Post(':id/approve')
  @HttpCode(200)
  @UseInterceptors(VersionETagInterceptor)
  @ApiUnprocessableEntityResponse({
    description:
      'Its approval deadline passed first (rule approval-expired), it needs no approval, or it is over (problem ES_DOMAIN_RULE).',
  })
  approve(@Param('id') id: string, @IfMatch() expectedVersion?: number): Promise<TransferCommandResult> {
    return this.commands.execute(new ApproveTransfer(id, expectedVersion));
  }
}
